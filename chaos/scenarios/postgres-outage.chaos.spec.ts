import { setTimeout as sleep } from "node:timers/promises";
import { chaosScenarios } from "../harness";

chaosScenarios("Postgres stopped for 20 s mid-load", [
  {
    name: "postgres down 20 s",
    fault: async (env) => {
      await env.postgres.stop();
      await sleep(20_000);
      await env.postgres.start();
    },
  },
]);
