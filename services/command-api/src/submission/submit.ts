import { createHash } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { newCancelToken } from "../cancel/cancel-token";
import type { IdempotencyStore } from "../idempotency/idempotency-store";
import { type IdempotentOutcome, withIdempotency } from "../idempotency/with-idempotency";
import { type RecordSubmissionDeps, recordSubmission } from "./record-submission";
import type { Submission } from "./submission";

export interface SubmitDeps extends RecordSubmissionDeps {
  idempotency: IdempotencyStore;
  /** How long a held Idempotency-Key holds off others without a renewal before they may take it over. */
  idempotencyLeaseMs: number;
  /** This API instance's owner id in Idempotency-Key leases. */
  idempotencyOwner: string;
}

/**
 * The command behind POST /api/v1/register: registers a validated upload under a new UUIDv7, or,
 * with an Idempotency-Key, under the id that key already stands for (storing nothing twice). Keys
 * are scoped by the email address: the same key from someone else is another key, so it can never
 * return, refuse with or reveal their request.
 */
export async function submit(
  deps: SubmitDeps,
  submission: Submission,
  idempotencyKey: string | null,
): Promise<IdempotentOutcome> {
  if (idempotencyKey === null) {
    const requestId = uuidv7();
    const cancelToken = newCancelToken();
    await recordSubmission(deps, requestId, submission, cancelToken);
    return { requestId, replayed: false, cancelToken };
  }
  return withIdempotency(
    idempotencyKey,
    bodyHash(submission),
    (id, cancelToken) => recordSubmission(deps, id, submission, cancelToken),
    {
      store: deps.idempotency,
      leaseMs: deps.idempotencyLeaseMs,
      owner: deps.idempotencyOwner,
      // Keys are the person's: scoped by the address the request is for.
      scope: submission.email,
      logger: deps.logger,
      exists: async (id) => (await deps.store.readRequest(id)).events.length > 0,
    },
  );
}

/** "The same body": the same email, the same image bytes and the same webhook URL. */
function bodyHash(submission: Submission): string {
  // Without a webhook URL the hash is what it was before webhooks existed, so stored keys still match.
  const webhook = submission.webhookUrl === null ? "" : `\n${submission.webhookUrl}`;
  return createHash("sha256")
    .update(`${submission.email}\n${submission.image.sha256}${webhook}`)
    .digest("hex");
}
