import { describe, expect, it } from "vitest";
import { colourName } from "./colour-name";
import { wrapText } from "./wrap-text";

describe("colourName", () => {
  it.each([
    [[0, 0, 0], "black"],
    [[255, 255, 255], "white"],
    [[128, 128, 128], "grey"],
    [[40, 40, 40], "dark grey"],
    [[11, 42, 107], "deep blue"],
    [[240, 138, 36], "warm orange"],
    [[100, 60, 20], "brown"],
    [[40, 180, 70], "green"],
    [[250, 245, 170], "pale yellow"],
    [[60, 35, 10], "dark brown"],
    [[220, 30, 30], "warm red"],
    [[120, 40, 200], "purple"],
    [[20, 160, 170], "teal"],
    [[230, 80, 180], "pink"],
  ] as const)("names %j as %s", ([r, g, b], name) => {
    expect(colourName(r, g, b)).toBe(name);
  });
});

describe("wrapText", () => {
  it("wraps greedily on spaces", () => {
    expect(wrapText("one two three four five", 9, 5)).toEqual(["one two", "three", "four five"]);
  });

  it("limits the number of lines with an ellipsis and shortens giant words", () => {
    expect(wrapText("aa bb cc dd ee", 5, 2)).toEqual(["aa bb", "cc d…"]);
    expect(wrapText("abcdefghijkl", 5, 3)).toEqual(["abcd…"]);
  });
});
