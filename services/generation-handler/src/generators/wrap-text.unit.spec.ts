import { describe, expect, it } from "vitest";
import { wrapText } from "./wrap-text";

describe("wrapText", () => {
  it("wraps greedily on spaces", () => {
    expect(wrapText("one two three four five", 9, 5)).toEqual(["one two", "three", "four five"]);
  });

  it("limits the number of lines with an ellipsis and shortens giant words", () => {
    expect(wrapText("aa bb cc dd ee", 5, 2)).toEqual(["aa bb", "cc d…"]);
    expect(wrapText("abcdefghijkl", 5, 3)).toEqual(["abcd…"]);
  });
});
