import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosEnv, expectClean, runScenario, SERVICES, startChaosEnv } from "../harness";

describe("chaos: each service SIGKILLed mid-load and restarted", () => {
  let env: ChaosEnv;
  beforeAll(async () => {
    env = await startChaosEnv();
  });
  afterAll(() => env?.stop());

  for (const service of SERVICES) {
    it(`${service}`, async () => {
      expectClean(await runScenario(env, { name: `kill ${service}`, fault: (e) => e.crash(service) }));
    });
  }
});
