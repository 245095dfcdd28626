import { loadConfig } from "@reimagine/core/config";
import { createLogger } from "@reimagine/core/logging";
import { openEventStore, startHealthServer, stopOnSignals } from "@reimagine/core/service";
import { startServiceTelemetry } from "@reimagine/core/telemetry";
import { createMailTransport } from "./mail";
import { startNotifier } from "./start-notifier";
import { verifyMailTransport } from "./verify-mail-transport";

const config = loadConfig();
const logger = createLogger({ service: "notifier", level: config.LOG_LEVEL });

try {
  const telemetry = startServiceTelemetry(config, "notifier");
  const store = await openEventStore(config, "notifier");
  const transport = createMailTransport(config, logger);
  await verifyMailTransport(transport, logger);
  const notifier = await startNotifier({ store, transport, config, logger });
  const health = startHealthServer({
    port: config.HEALTH_PORT,
    checks: { nats: async () => void (await store.nc.rtt()), mail: () => transport.verify() },
    logger,
  });
  // stopped in reverse: probes, then the handler (in-flight sends finish), then mail and NATS
  stopOnSignals(
    [
      telemetry,
      { name: "nats", stop: () => store.nc.drain() },
      { name: "mail transport", stop: () => transport.close() },
      notifier,
      health,
    ],
    logger,
  );
} catch (err) {
  logger.fatal({ err }, "notifier could not start");
  process.exit(1);
}
