import { foldRequest } from "@reimagine/contracts";
import { readProjectionPosition, verifyProjection } from "@reimagine/readmodel";
import type { ChaosEnv } from "./chaos-env";

const SUCCESSES = ["CaptionProduced", "ImageGenerated", "UserNotified"] as const;

/** What a scenario left behind, for its checks. */
export interface Outcome {
  requests: number;
  notified: number;
  failed: number;
  /** Requests not notified or failed. */
  notTerminal: string[];
  /** Requests with a success event of one stage more than once. */
  duplicateSuccesses: string[];
  /**
   * Requests whose emails (distinct Message-IDs) are not exactly one ready email if notified and one
   * failure email per FailureNotified.
   */
  emailMismatches: string[];
  /** Emails for this scenario's requests. */
  emails: number;
  /**
   * Ready emails delivered again with the same Message-ID: the documented windows where a sender
   * cannot know the server kept the message (killed between the server's 250 and the claim update,
   * or the connection cut after DATA). Mail systems drop the copy by its Message-ID.
   */
  resentSameMessageId: number;
  /** Read-model rows that differ from the fold of the log. */
  drift: number;
  unexpectedExits: string[];
}

/** True once every request is notified or failed in the log and the read model has it all. */
export async function drained(env: ChaosEnv, ids: string[], done: Set<string>): Promise<boolean> {
  for (const id of ids) {
    if (done.has(id)) continue;
    const state = foldRequest(
      id,
      (await env.store.readRequest(id)).events.map((s) => s.event),
    );
    if (state.status !== "notified" && state.status !== "failed") return false;
    done.add(id);
  }
  const [position, head] = await Promise.all([
    readProjectionPosition(env.readModel.db, "requests"),
    env.store.headPosition(),
  ]);
  return position >= head;
}

/** Everything the targets are about, read from the log, the read model, the mailbox and the processes. */
export async function outcomeOf(env: ChaosEnv, ids: string[]): Promise<Outcome> {
  const outcome: Outcome = {
    requests: ids.length,
    notified: 0,
    failed: 0,
    notTerminal: [],
    duplicateSuccesses: [],
    emailMismatches: [],
    emails: 0,
    resentSameMessageId: 0,
    drift: 0,
    unexpectedExits: env.unexpectedExits(),
  };
  // Ready emails (<id>.notification@…) and failure emails (<id>.<stage>-failed-<run>@…), per request.
  // Counted by Message-ID: what a person's mailbox shows; the same Message-ID again is a resend.
  const emailsOf = new Map<string, { ready: number; failure: number }>();
  const seen = new Set<string>();
  for (const m of env.smtp.messages) {
    const messageId = m.parsed.messageId ?? "";
    const match = /^<([0-9a-f-]{36})\.([a-z-]+?)(?:-\d+)?@/.exec(messageId);
    const id = match?.[1] ?? `unparsed ${messageId}`;
    if (seen.has(messageId)) {
      if (env.submitted.has(id) && ids.includes(id)) outcome.resentSameMessageId++;
      continue;
    }
    seen.add(messageId);
    const counts = emailsOf.get(id) ?? { ready: 0, failure: 0 };
    if (match?.[2] === "notification") counts.ready++;
    else counts.failure++;
    emailsOf.set(id, counts);
  }
  for (const id of emailsOf.keys()) {
    if (!env.submitted.has(id)) outcome.emailMismatches.push(`${id}: email for no request of the suite`);
  }
  for (const id of ids) {
    const events = (await env.store.readRequest(id)).events.map((s) => s.event);
    const state = foldRequest(id, events);
    if (state.status === "notified") outcome.notified++;
    else if (state.status === "failed") outcome.failed++;
    else outcome.notTerminal.push(`${id}: ${state.status}`);
    for (const type of SUCCESSES) {
      const n = events.filter((e) => e.type === type).length;
      if (n > 1) outcome.duplicateSuccesses.push(`${id}: ${type} ×${n}`);
    }
    const emails = emailsOf.get(id) ?? { ready: 0, failure: 0 };
    outcome.emails += emails.ready + emails.failure;
    const failureNotices = events.filter((e) => e.type === "FailureNotified").length;
    if (emails.ready !== (state.status === "notified" ? 1 : 0) || emails.failure !== failureNotices) {
      outcome.emailMismatches.push(
        `${id}: ${emails.ready} ready and ${emails.failure} failure email(s), status ${state.status}, ${failureNotices} FailureNotified`,
      );
    }
  }
  const report = await verifyProjection({ db: env.readModel.db, store: env.store });
  outcome.drift = report.differences.length + report.missingRows.length + report.unexpectedRows.length;
  if (outcome.drift > 0) {
    // what differs, for the failure to be read from the output alone
    console.log(
      `  drift at position ${report.position}, first differences: ${JSON.stringify(report.differences.slice(0, 5))}`,
    );
  }
  return outcome;
}
