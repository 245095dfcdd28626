import { describe, expect, it } from "vitest";
import { ByteCollector } from "./byte-collector";

const parts = [Buffer.from("hello, "), Buffer.from("streaming "), Buffer.from("world")];
const whole = Buffer.concat(parts);

describe("ByteCollector", () => {
  it("collects into one buffer of the hinted size without joining chunks", () => {
    const collector = new ByteCollector(100);
    for (const p of parts) collector.push(p);
    expect(collector.size).toBe(whole.length);
    const bytes = collector.bytes();
    expect(bytes.equals(whole)).toBe(true);
    expect(bytes.buffer.byteLength).toBeGreaterThanOrEqual(100);
  });

  it("joins chunks without a hint", () => {
    const collector = new ByteCollector();
    for (const p of parts) collector.push(p);
    expect(collector.bytes().equals(whole)).toBe(true);
  });

  it("stays correct when the bytes outgrow the hint", () => {
    const collector = new ByteCollector(10);
    for (const p of parts) collector.push(p);
    expect(collector.bytes().equals(whole)).toBe(true);
  });

  it("is empty when nothing came", () => {
    expect(new ByteCollector(8).bytes().length).toBe(0);
    expect(new ByteCollector().bytes().length).toBe(0);
  });
});
