import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosEnv, expectClean, LOAD, runScenario, startChaosEnv } from "../harness";

describe("chaos: the model endpoints answering 503 or 429 to 30% of calls", () => {
  let env: ChaosEnv;
  beforeAll(async () => {
    env = await startChaosEnv();
  });
  afterAll(() => env?.stop());

  it("every stage gets through with retries", async () => {
    const report = await runScenario(env, {
      name: "models fail 30%",
      faultAfterMs: 0,
      fault: async (e) => {
        e.hf.failRandomly(0.3, [
          { status: 503, json: { error: "Service Unavailable" } },
          { status: 429, headers: { "retry-after": "1" }, json: { error: "Rate limit reached" } },
        ]);
        await sleep((LOAD.requests * 1000) / LOAD.perSecond);
        e.hf.failRandomly(0, []);
      },
    });
    console.log(`  injected model failures: ${env.hf.injectedFailures}`);
    expectClean(report);
  });
});
