/**
 * Whether a projector keeps up with the log: it polls the log's head and knows since when the
 * projector has been behind without making progress. A consumer that stands still (NATS came back
 * but delivers nothing) shows here, although no error is ever raised.
 */
export class ProgressWatch {
  private head: number | null = null;
  private behindSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: { head(): Promise<number>; position(): number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Polls every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The projector committed a batch (or started afresh): the clock of "behind" starts over. */
  progressed(): void {
    this.behindSince = null;
  }

  /** The log's head, remembered from the last poll that reached NATS. */
  async poll(): Promise<number | null> {
    try {
      this.head = await this.source.head();
    } catch {
      // NATS unreachable: the last head seen still says how far behind we are
    }
    if (this.head !== null && this.head > this.source.position()) this.behindSince ??= this.now();
    else this.behindSince = null;
    return this.head;
  }

  /** The head seen last, null before the first poll reached NATS. */
  lastHead(): number | null {
    return this.head;
  }

  /** How long the projector has been behind the head without progress (0 when it is not). */
  stalledForMs(): number {
    return this.behindSince === null ? 0 : this.now() - this.behindSince;
  }
}
