import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosEnv, expectClean, runScenario, startChaosEnv } from "../harness";

describe("chaos: the nats-server killed mid-load and started again on the same store", () => {
  let env: ChaosEnv;
  beforeAll(async () => {
    env = await startChaosEnv();
  });
  afterAll(() => env?.stop());

  it("every service carries on once NATS is back", async () => {
    const report = await runScenario(env, {
      name: "kill nats-server",
      fault: async (e) => {
        await e.nats.kill();
        await e.nats.start();
      },
    });
    expectClean(report);
  });
});
