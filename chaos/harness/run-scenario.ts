import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosEnv } from "./chaos-env";
import { submitLoad } from "./load";
import { drained, type Outcome, outcomeOf } from "./outcome";

/** How big a scenario is: CHAOS_REQUESTS and CHAOS_RATE (the full run: 200 at 10/s). */
export const LOAD = {
  requests: Number(process.env.CHAOS_REQUESTS ?? 200),
  perSecond: Number(process.env.CHAOS_RATE ?? 10),
};

export interface Scenario {
  name: string;
  /** Injects the fault and undoes it; resolves when the fault is over (what was killed is back). */
  fault(env: ChaosEnv): Promise<void>;
  /** When the fault starts, from the start of the load (default: halfway through it). */
  faultAfterMs?: number;
}

export interface ScenarioReport {
  name: string;
  /** Seconds from the start of the fault until every request was terminal and projected. */
  faultToDrained: number;
  /** Seconds from the end of the fault (the thing is back) until drained. */
  restoredToDrained: number;
  /** Submissions that never got a 202, with the client's last error. */
  unsubmitted: string[];
  /** POSTs answered 503 or not at all, and the seconds from the fault to the first and last of them. */
  unavailable: { answers: number; fromS: number; toS: number };
  outcome: Outcome;
}

/**
 * Runs the load through the environment while `fault` happens, waits until everything submitted
 * is terminal and projected, then reads what the targets are about and prints one line.
 */
export async function runScenario(env: ChaosEnv, scenario: Scenario): Promise<ScenarioReport> {
  const run = `${scenario.name.replace(/\W+/g, "-")}-${Date.now().toString(36)}`;
  const loadMs = (LOAD.requests * 1000) / LOAD.perSecond;
  const loading = submitLoad(env.apiUrl, run, { count: LOAD.requests, perSecond: LOAD.perSecond });
  await sleep(scenario.faultAfterMs ?? loadMs / 2);
  const faultAt = Date.now();
  await scenario.fault(env);
  const restoredAt = Date.now();
  const submissions = await loading;
  const ids = submissions.flatMap((s) => (s.id ? [s.id] : []));
  for (const id of ids) env.submitted.add(id);
  const done = new Set<string>();
  const deadline = Date.now() + 180_000;
  let drainedAt = Number.NaN;
  while (Date.now() < deadline) {
    if (await drained(env, ids, done).catch(() => false)) {
      drainedAt = Date.now();
      break;
    }
    await sleep(250);
  }
  const outcome = await outcomeOf(env, ids);
  const report: ScenarioReport = {
    name: scenario.name,
    faultToDrained: (drainedAt - faultAt) / 1000,
    restoredToDrained: (drainedAt - restoredAt) / 1000,
    unsubmitted: submissions.filter((s) => !s.id).map((s) => `#${s.n}: ${s.error}`),
    unavailable: unavailability(
      submissions.flatMap((s) => s.unavailableAt),
      faultAt,
    ),
    outcome,
  };
  console.log(describe(report, env.logDir));
  return report;
}

function unavailability(at: number[], faultAt: number): ScenarioReport["unavailable"] {
  if (at.length === 0) return { answers: 0, fromS: 0, toS: 0 };
  return {
    answers: at.length,
    fromS: (Math.min(...at) - faultAt) / 1000,
    toS: (Math.max(...at) - faultAt) / 1000,
  };
}

function describe(r: ScenarioReport, logDir: string): string {
  const o = r.outcome;
  const s = (n: number) => n.toFixed(1);
  return [
    `chaos ${r.name}: ${o.requests} request(s): ${o.notified} notified, ${o.failed} failed, ${o.notTerminal.length} not terminal, ${r.unsubmitted.length} never accepted`,
    `  fault → drained ${s(r.faultToDrained)} s (fault over → drained ${s(r.restoredToDrained)} s); ${r.unavailable.answers} POST(s) answered 503 or not at all${r.unavailable.answers > 0 ? `, from ${s(r.unavailable.fromS)} s to ${s(r.unavailable.toS)} s after the fault` : ""}`,
    `  emails ${o.emails} (+${o.resentSameMessageId} resent with the same Message-ID), ${o.emailMismatches.length} mismatch(es); duplicate success events ${o.duplicateSuccesses.length}; drift ${o.drift}; crashed processes ${o.unexpectedExits.length}`,
    `  logs: ${logDir}`,
  ].join("\n");
}
