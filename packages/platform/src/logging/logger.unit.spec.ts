import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createRootLogger } from "./logger";

function capture() {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
  return { out, lines };
}

/** Without its colours: the ANSI escape sequences a terminal shows as colour. */
const plain = (s: string) => s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");

describe("createRootLogger", () => {
  it("writes one short human line per entry on a terminal, naming the component and the request", () => {
    const { out, lines } = capture();
    const root = createRootLogger({ service: "reimagine", format: "pretty", destination: out });
    root.started();
    root.logger
      .child({ component: "caption-handler" })
      .warn(
        { requestId: "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b", attempt: 2, correlationId: "x".repeat(36) },
        "handler failed: will retry",
      );
    expect(lines).toHaveLength(1);
    expect(plain(lines[0]!)).toMatch(
      /^\[\d\d:\d\d:\d\d\] WARN: caption-handler: handler failed: will retry {2}\(request …9a0b, attempt 2\)$/,
    );
  });

  it("holds back start-up info lines on a terminal, never warnings", () => {
    const { out, lines } = capture();
    const root = createRootLogger({ service: "reimagine", format: "pretty", destination: out });
    root.logger.info("connected to NATS");
    root.logger.warn("OFFLINE demo mode");
    root.started();
    root.logger.info({ method: "POST", path: "/api/v1/register", status: 202, ms: 31 }, "request");
    expect(lines.map(plain).map((l) => l.replace(/^\[[\d:]+\] /, ""))).toEqual([
      "WARN: OFFLINE demo mode",
      "INFO: request  (POST /api/v1/register → 202 in 31 ms)",
    ]);
  });

  it("writes JSON lines when asked, or when nobody is reading on a terminal", () => {
    for (const format of ["json", "auto"] as const) {
      const { out, lines } = capture();
      createRootLogger({ service: "projector", format, destination: out }).logger.info(
        { lag: 3 },
        "projecting",
      );
      expect(JSON.parse(lines[0]!)).toMatchObject({ service: "projector", lag: 3, msg: "projecting" });
    }
  });
});
