/** What a steady upload run did. */
export interface UploadRun {
  ids: string[];
  /** 503 answers (the API's upload queue was full); each such upload was sent again a second later. */
  refused: number;
  /** The rate achieved: below the one asked for when the in-flight cap held uploads back. */
  perSecond: number;
}

/**
 * Uploads a client keeps open at once: a server that cannot keep up then sees the rate drop (and
 * the run says so) instead of a growing pile of refused uploads whose retries it also pays for.
 */
const MAX_IN_FLIGHT = 64;

/**
 * Submits `count` uploads of `image` to `<baseUrl>/api/v1/register` at a steady `perSecond`, open
 * loop (each upload starts on its tick, whether or not earlier ones have answered), and resolves
 * once every upload has answered 202. A 503 (or the connection closed by it mid-upload) is retried after a second, as a client
 * would, and counted.
 */
export async function steadyUploads(
  baseUrl: string,
  image: Buffer,
  count: number,
  perSecond: number,
): Promise<UploadRun> {
  const blob = new Blob([image], { type: "image/jpeg" });
  let refused = 0;
  const upload = async (): Promise<string> => {
    for (;;) {
      const form = new FormData();
      form.set("email", "bench@example.com");
      form.set("image", blob, "photo.jpg");
      const answer = await fetch(`${baseUrl}/api/v1/register`, { method: "POST", body: form }).then(
        async (res) => ({ status: res.status, body: await res.text() }),
        (err: Error) => {
          // A server refusing early (503) may close the connection while the body is still going out.
          const code = (err.cause as { code?: string } | undefined)?.code;
          if (code === "EPIPE" || code === "ECONNRESET") return { status: 503, body: code };
          throw err;
        },
      );
      if (answer.status === 202) return (JSON.parse(answer.body) as { id: string }).id;
      if (answer.status !== 503) throw new Error(`upload answered ${answer.status}: ${answer.body}`);
      refused++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const start = performance.now();
  const answers: Promise<string>[] = [];
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const answer = upload();
    // Handled here so an early failure cannot go unhandled while later uploads are still scheduled.
    const settled = answer.catch(() => undefined);
    inFlight.add(settled);
    settled.then(() => inFlight.delete(settled));
    answers.push(answer);
  }
  const ids = await Promise.all(answers);
  return { ids, refused, perSecond: count / ((performance.now() - start) / 1000) };
}
