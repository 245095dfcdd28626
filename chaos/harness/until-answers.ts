import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; fails after `timeoutMs`. */
export async function untilAnswers(
  port: number,
  timeoutMs: number,
  gaveUp: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error(`the server on port ${port} exited before it answered`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
}
