/** Names an sRGB colour in plain words ("deep blue", "pale yellow", "dark grey"), coarse on purpose. */
export function colourName(r: number, g: number, b: number): string {
  const { h, s, l } = toHsl(r, g, b);
  if (l < 0.12) return "black";
  if (l > 0.92 && s < 0.5) return "white";
  if (s < 0.15) return l < 0.35 ? "dark grey" : l > 0.7 ? "light grey" : "grey";

  const hue = hueName(h);
  // Dark orange reads as brown, which is dark by itself.
  if (hue === "orange" && l < 0.4) return l < 0.22 ? "dark brown" : "brown";
  const shade =
    l < 0.3
      ? "deep "
      : l > 0.75
        ? "pale "
        : s < 0.35
          ? "muted "
          : hue === "orange" || hue === "red"
            ? "warm "
            : "";
  return `${shade}${hue}`;
}

function hueName(h: number): string {
  if (h < 15 || h >= 345) return "red";
  if (h < 45) return "orange";
  if (h < 66) return "yellow";
  if (h < 165) return "green";
  if (h < 195) return "teal";
  if (h < 255) return "blue";
  if (h < 290) return "purple";
  return "pink";
}

function toHsl(r: number, g: number, b: number): { h: number; s: number; l: number } {
  const rn = r / 255;
  const gn = g / 255;
  const bn = b / 255;
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  let h: number;
  if (max === rn) h = ((gn - bn) / d) % 6;
  else if (max === gn) h = (bn - rn) / d + 2;
  else h = (rn - gn) / d + 4;
  h *= 60;
  if (h < 0) h += 360;
  return { h, s, l };
}
