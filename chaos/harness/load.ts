import { setTimeout as sleep } from "node:timers/promises";
import { makeJpeg } from "@reimagine/testing";

/** One submission of the load: what the client asked, and what it finally got. */
export interface Submission {
  n: number;
  email: string;
  /** The request id of the 202, once there was one. */
  id: string | null;
  /** POSTs it took (a client retries with its Idempotency-Key until it gets an answer). */
  attempts: number;
  error: string | null;
  /** When a POST was answered 503 (or not at all): the unavailability a client saw. */
  unavailableAt: number[];
}

export interface LoadOptions {
  count: number;
  perSecond: number;
  /** How long one submission keeps retrying before the client gives up (default 120 s). */
  giveUpMs?: number;
}

/**
 * Submits `count` photos at `perSecond`, as a careful client would: each with its own
 * Idempotency-Key, retried on no answer, 5xx or 429 until it gets its 202. So a crash of the API
 * mid-request neither loses the submission nor makes two of it.
 */
export async function submitLoad(
  apiUrl: () => string,
  run: string,
  options: LoadOptions,
): Promise<Submission[]> {
  const photos = await Promise.all(
    Array.from({ length: 4 }, (_, i) => makeJpeg(64 + i * 8, 48, { r: 40 * i, g: 120, b: 200 - 30 * i })),
  );
  const giveUpMs = options.giveUpMs ?? 120_000;
  const submit = async (n: number): Promise<Submission> => {
    const email = `chaos+${run}-${n}@example.com`;
    const submission: Submission = { n, email, id: null, attempts: 0, error: null, unavailableAt: [] };
    const deadline = Date.now() + giveUpMs;
    while (Date.now() < deadline) {
      submission.attempts++;
      const form = new FormData();
      form.set("image", new Blob([photos[n % photos.length]!]), "photo.jpg");
      form.set("email", email);
      try {
        const res = await fetch(`${apiUrl()}/api/v1/register`, {
          method: "POST",
          body: form,
          headers: { "idempotency-key": `chaos-${run}-${n}` },
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json().catch(() => ({}))) as { id?: string; detail?: string };
        if (res.status === 202 && body.id) {
          submission.id = body.id;
          submission.error = null;
          return submission;
        }
        submission.error = `${res.status} ${body.detail ?? ""}`;
        if (res.status === 503) submission.unavailableAt.push(Date.now());
        if (res.status < 500 && res.status !== 429) return submission; // the client's own mistake: no retry
      } catch (err) {
        submission.error = (err as Error).message;
        submission.unavailableAt.push(Date.now());
      }
      await sleep(300 + Math.random() * 300);
    }
    return submission;
  };
  const started = Date.now();
  const pending: Promise<Submission>[] = [];
  for (let n = 0; n < options.count; n++) {
    const due = started + (n * 1000) / options.perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    pending.push(submit(n));
  }
  return Promise.all(pending);
}
