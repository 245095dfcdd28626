import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosEnv, expectClean, runScenario, startChaosEnv } from "../harness";

describe("chaos: the SMTP server refusing connections for 10 s mid-load", () => {
  let env: ChaosEnv;
  beforeAll(async () => {
    env = await startChaosEnv();
  });
  afterAll(() => env?.stop());

  it("every email goes out once when it is back", async () => {
    const report = await runScenario(env, {
      name: "smtp refusing 10 s",
      fault: async (e) => {
        await e.smtpProxy.close();
        await sleep(10_000);
        await e.smtpProxy.open();
      },
    });
    expectClean(report);
  });
});
