import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosEnv, type ChaosEnvOptions, startChaosEnv } from "./chaos-env";
import { expectClean } from "./expect-clean";
import { runScenario, type Scenario } from "./run-scenario";

/**
 * Declares a scenario file: one environment for the file, then one test per scenario, run in
 * order through it and each held to the targets (expectClean).
 */
export function chaosScenarios(title: string, scenarios: Scenario[], options: ChaosEnvOptions = {}): void {
  describe(`chaos: ${title}`, () => {
    let env: ChaosEnv;
    beforeAll(async () => {
      env = await startChaosEnv(options);
    });
    afterAll(() => env?.stop());
    for (const scenario of scenarios) {
      it(scenario.name, async () => expectClean(await runScenario(env, scenario)));
    }
  });
}
