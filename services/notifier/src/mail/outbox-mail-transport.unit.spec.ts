import { describe, expect, it } from "vitest";
import { outboxFileName } from "./outbox-mail-transport";

describe("outboxFileName", () => {
  it("is the Message-ID without its angle brackets", () => {
    expect(outboxFileName("<0190a1b2-c3d4.notification@reimagine.local>")).toBe(
      "0190a1b2-c3d4.notification@reimagine.local",
    );
  });

  it("can never leave the outbox directory or hide as a dot file", () => {
    for (const id of ["<../../etc/passwd>", "<..\\..\\x>", "<.hidden@x>", "</abs@x>"]) {
      const name = outboxFileName(id);
      expect(name).not.toMatch(/[/\\]/);
      expect(name.startsWith(".")).toBe(false);
    }
  });

  it("replaces unusual characters and stays unique for long ids", () => {
    expect(outboxFileName("<a b\r\nc@x>")).toBe("a_b_c@x");
    const long = (tail: string) => `<${"a".repeat(300)}${tail}@x>`;
    expect(outboxFileName(long("1")).length).toBeLessThanOrEqual(200);
    expect(outboxFileName(long("1"))).not.toBe(outboxFileName(long("2")));
    expect(outboxFileName("<>")).toMatch(/^[0-9a-f]{16}$/);
  });
});
