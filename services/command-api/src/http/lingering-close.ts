import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";

/** How long and how much of an unwanted body is read and discarded after an early answer. */
export interface LingerBounds {
  /** Most bytes discarded after the answer. */
  maxBytes: number;
  /** Longest the connection stays open after the answer. */
  maxMs: number;
  /** Closes sooner when the client sends nothing for this long. */
  idleMs: number;
}

const current = Symbol("reimagine.currentRequest");
type LingeringSocket = Socket & { [current]?: IncomingMessage };

/**
 * Lingering close, as nginx and Apache do it: when the server answers before it has read the whole
 * request (413, 429, 408, a refused form) and closes, a client still writing its body gets a reset
 * and may never read the answer (Node's fetch and browsers report EPIPE; curl happens to win the
 * race). So after such an answer the server keeps reading and discarding until the client has sent
 * its body (then it closes gracefully), goes quiet or hits a bound (then the socket is cut). No FIN
 * goes out early: a client socket that sees one stops writing (Node's default), and never finishes.
 * Hooks the close Node performs after an answer with `Connection: close` (socket.destroySoon).
 */
export function lingerAfterEarlyAnswers(server: Server, bounds: LingerBounds): void {
  server.prependListener("request", function trackRequest(req: IncomingMessage) {
    const socket = req.socket as LingeringSocket;
    const installed = socket[current] !== undefined;
    socket[current] = req;
    if (installed) return;
    const destroySoon = socket.destroySoon;
    socket.destroySoon = function lingeringClose(this: LingeringSocket) {
      const request = this[current];
      if (!request || request.complete || this.destroyed) return destroySoon.call(this);
      linger(this, request, bounds, () => destroySoon.call(this));
    };
  });
}

function linger(
  socket: Socket,
  req: IncomingMessage,
  bounds: LingerBounds,
  closeGracefully: () => void,
): void {
  const startedAt = socket.bytesRead;
  let idle: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(total);
    clearTimeout(idle);
    req.off("data", onData);
    req.off("end", finished);
    req.off("error", cut);
    socket.off("close", stop);
  };
  // Everything the client sent is read: FIN after the answer, no reset.
  const finished = () => {
    stop();
    closeGracefully();
  };
  const cut = () => {
    stop();
    socket.destroy();
  };
  const total = setTimeout(cut, bounds.maxMs);
  const onData = () => {
    clearTimeout(idle);
    if (socket.bytesRead - startedAt > bounds.maxBytes) return cut();
    idle = setTimeout(cut, bounds.idleMs);
  };
  onData();
  req.on("data", onData);
  req.once("end", finished);
  req.once("error", cut);
  socket.once("close", stop);
  req.resume();
}
