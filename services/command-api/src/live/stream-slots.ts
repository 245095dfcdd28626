import { ProblemError } from "../http/problem-error";
import { retryAfter } from "../http/problem-response";

/**
 * Counts the live event streams each client address holds on this process, so one client cannot
 * pin an unbounded number of NATS consumers and sockets. `take` throws a 429 problem beyond the
 * limit; the function it returns gives the slot back (once, however often it is called).
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  take(client: string): () => void {
    const held = this.open.get(client) ?? 0;
    if (held >= this.perClient) {
      throw new ProblemError(
        "too-many-streams",
        `at most ${this.perClient} event streams may be open at once from one address; close one first`,
        { headers: retryAfter(5) },
      );
    }
    this.open.set(client, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left > 0) this.open.set(client, left);
      else this.open.delete(client);
    };
  }

  /** Streams open now from `client`. */
  heldBy(client: string): number {
    return this.open.get(client) ?? 0;
  }
}
