import { createParser, type EventSourceMessage } from "eventsource-parser";

/**
 * A test client of a server-sent event stream: connects with fetch, parses with eventsource-parser
 * (as a browser's EventSource would), keeps every event and comment, and lets a test wait for what
 * it expects. Never reconnects on its own: a test resumes explicitly with Last-Event-ID.
 */
export class EventStreamReader {
  readonly events: EventSourceMessage[] = [];
  readonly comments: string[] = [];
  /** True once the server closed the stream. */
  ended = false;
  private readonly controller = new AbortController();
  private readonly waiters = new Set<() => void>();

  private constructor(readonly response: Response) {}

  /** Opens the stream; resolves with the response as soon as its headers arrive. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { accept: "text/event-stream", ...headers },
      signal: controller.signal,
    });
    const reader = new EventStreamReader(response);
    reader.controller.signal.addEventListener("abort", () => controller.abort(), { once: true });
    if (response.ok && response.body) void reader.pump(response.body);
    else reader.ended = true;
    return reader;
  }

  get status(): number {
    return this.response.status;
  }

  /** The domain events received (the final `end` left out). */
  get domainEvents(): EventSourceMessage[] {
    return this.events.filter((e) => e.event !== "end");
  }

  /** Resolves once `done` holds (checked after every chunk), or rejects after `timeoutMs`. */
  async waitFor(done: (r: EventStreamReader) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      if (this.ended && !done(this)) throw new Error(`the stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves when the server has closed the stream. */
  closed(timeoutMs?: number): Promise<void> {
    return this.waitFor((r) => r.ended, "the server to close the stream", timeoutMs);
  }

  /** Disconnects, as a closed browser tab would. */
  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (e) => this.events.push(e),
      onComment: (c) => this.comments.push(c),
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        this.wake();
      }
    } catch {
      // aborted by close(): the stream is over for this reader
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
    this.waiters.clear();
  }
}
