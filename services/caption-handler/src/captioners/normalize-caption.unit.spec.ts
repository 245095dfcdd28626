import { AiError } from "@reimagine/inference";
import { describe, expect, it } from "vitest";
import { MAX_CAPTION_LENGTH, normalizeCaption } from "./normalize-caption";

describe("normalizeCaption", () => {
  it("trims and collapses whitespace", () => {
    expect(normalizeCaption("  a dog\n\n on\ta   sofa  ")).toBe("a dog on a sofa");
  });

  it("drops wrapping quotes", () => {
    expect(normalizeCaption('"A dog on a sofa."')).toBe("A dog on a sofa.");
    expect(normalizeCaption("“A dog on a sofa.”")).toBe("A dog on a sofa.");
    expect(normalizeCaption('A "quoted" word')).toBe('A "quoted" word');
  });

  it("keeps captions at the limit as they are", () => {
    const exact = "x".repeat(MAX_CAPTION_LENGTH);
    expect(normalizeCaption(exact)).toBe(exact);
  });

  it("cuts long captions on a word boundary with an ellipsis, within the limit", () => {
    const long = "The quick brown fox, jumps over the lazy dog; ".repeat(20);
    const out = normalizeCaption(long);
    expect(out.length).toBeLessThanOrEqual(MAX_CAPTION_LENGTH);
    expect(out.endsWith("…")).toBe(true);
    expect(long.replace(/\s+/g, " ").startsWith(out.slice(0, -1))).toBe(true);
    expect(out).not.toMatch(/[ ,;]…$/);
    expect(normalizeCaption("one two three four", 12)).toBe("one two…");
  });

  it("cuts a single giant word hard", () => {
    expect(normalizeCaption("y".repeat(500), 10)).toBe(`${"y".repeat(9)}…`);
  });

  it.each(["", "   ", "\n\t", '""', "“ ”"])("rejects an empty caption %j as permanent", (raw) => {
    const attempt = () => normalizeCaption(raw);
    expect(attempt).toThrowError(AiError);
    expect(attempt).toThrowError("model returned an empty caption");
    try {
      attempt();
    } catch (err) {
      expect(err).toMatchObject({ retryable: false, code: "AI_CALL_FAILED" });
    }
  });
});
