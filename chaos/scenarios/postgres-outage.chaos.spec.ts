import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosEnv, expectClean, runScenario, startChaosEnv } from "../harness";

describe("chaos: Postgres stopped for 20 s mid-load", () => {
  let env: ChaosEnv;
  beforeAll(async () => {
    env = await startChaosEnv();
  });
  afterAll(() => env?.stop());

  it("submissions and status carry on from the log; the projector catches up when it is back", async () => {
    const report = await runScenario(env, {
      name: "postgres down 20 s",
      fault: async (e) => {
        await e.postgres.stop();
        await sleep(20_000);
        await e.postgres.start();
      },
    });
    expectClean(report);
  });
});
