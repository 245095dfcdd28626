import { describe, expect, it } from "vitest";
import { colourName } from "./colour-name";

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
