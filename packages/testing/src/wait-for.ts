import { type DeadLetter, type JetStreamEventStore, listDeadLetters } from "@reimagine/eventstore";

/** Polls a condition in a test until it holds, or fails with the last value seen. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  throw new Error(`timed out waiting for ${options.what ?? "condition"} (last: ${JSON.stringify(last)})`);
}

/** Waits until the dead-letter stream holds exactly `count` letters, and returns them. */
export function waitForDeadLetters(store: JetStreamEventStore, count: number): Promise<DeadLetter[]> {
  return waitFor(
    async () => {
      const letters = await listDeadLetters(store);
      return letters.length === count ? letters : null;
    },
    { what: `${count} dead letter(s)` },
  );
}
