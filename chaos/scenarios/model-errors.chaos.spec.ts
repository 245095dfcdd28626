import { setTimeout as sleep } from "node:timers/promises";
import { chaosScenarios, LOAD } from "../harness";

chaosScenarios("the model endpoints answering 503 or 429 to 30% of calls", [
  {
    name: "models fail 30%",
    faultAfterMs: 0,
    fault: async (env) => {
      env.hf.failRandomly(0.3, [
        { status: 503, json: { error: "Service Unavailable" } },
        { status: 429, headers: { "retry-after": "1" }, json: { error: "Rate limit reached" } },
      ]);
      await sleep((LOAD.requests * 1000) / LOAD.perSecond);
      env.hf.failRandomly(0, []);
      console.log(`  model calls failed on purpose: ${env.hf.injectedFailures}`);
    },
  },
]);
