import { setTimeout as sleep } from "node:timers/promises";
import { chaosScenarios } from "../harness";

chaosScenarios("the SMTP server refusing connections for 10 s mid-load", [
  {
    name: "smtp refusing 10 s",
    fault: async (env) => {
      await env.smtpProxy.close();
      await sleep(10_000);
      await env.smtpProxy.open();
    },
  },
]);
