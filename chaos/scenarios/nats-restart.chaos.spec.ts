import { chaosScenarios } from "../harness";

chaosScenarios("the nats-server killed mid-load and started again on the same store", [
  {
    name: "kill nats-server",
    fault: async (env) => {
      await env.nats!.kill();
      await env.nats!.start();
    },
  },
]);
