import { expect } from "vitest";
import type { ScenarioReport } from "./run-scenario";

/**
 * The targets of every scenario: every request accepted and terminal, exactly one email per
 * notified request (none for the others), no success event twice, no drift, no crashed process.
 * The time to drain is printed, not asserted: the machine it runs on decides it.
 */
export function expectClean(report: ScenarioReport): void {
  const o = report.outcome;
  expect(report.unsubmitted, "submissions never accepted").toEqual([]);
  expect(o.notTerminal, "requests not terminal").toEqual([]);
  expect(o.emailMismatches, "emails per request").toEqual([]);
  expect(o.duplicateSuccesses, "success events twice").toEqual([]);
  expect(o.drift, "read-model rows that differ from the log").toBe(0);
  expect(o.unexpectedExits, "processes that crashed").toEqual([]);
  expect(Number.isFinite(report.faultToDrained), "drained at all").toBe(true);
}
