import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { createMailTransport } from "./mail";
import { mailCheck } from "./mail-check";
import { startNotifier } from "./start-notifier";
import { verifyMailTransport } from "./verify-mail-transport";
import { startWebhooks } from "./webhooks";

await runService("notifier", async ({ config, logger, own, preflight, dependency }) => {
  const store = own(await dependency("NATS", () => openEventStore(config, "notifier", { logger })));
  const transport = createMailTransport(config, logger);
  own({ name: "mail transport", stop: () => transport.close() });
  await verifyMailTransport(transport, logger);
  const notifier = own(await startNotifier({ store, transport, config, logger }));
  const webhooks = own(
    await startWebhooks({ store, config, logger: logger.child({ component: "webhooks" }) }),
  );
  preflight([eventStoreCheck(store), mailCheck(transport)]);
  const consumers = async () => {
    await notifier.check();
    await webhooks.check();
  };
  return { checks: { nats: () => store.ping(), consumers, mail: () => transport.verify() } };
});
