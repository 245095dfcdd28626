/** One measured figure with the baseline it is compared to, measured in the same run. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
}

/** A table of figures (already formatted), printed with aligned columns. */
export interface BenchTable {
  title: string;
  header: string[];
  rows: string[][];
}

/** Prints results as an aligned table with the ratio to the baseline. */
export function printResults(results: BenchResult[]): void {
  for (const r of results) {
    const ratio = r.baseline > 0 ? r.value / r.baseline : Number.NaN;
    console.log(`${r.name}`);
    console.log(
      `  ${fmt(r.value)} ${r.unit}   baseline (${r.baselineName}): ${fmt(r.baseline)} ${r.unit}   ratio ${ratio.toFixed(2)}`,
    );
  }
}

/** Prints a table: first column left-aligned, the others right-aligned. */
export function printTable(table: BenchTable): void {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? "").length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  console.log(`${table.title}\n  ${line(table.header)}`);
  for (const row of table.rows) console.log(`  ${line(row)}`);
}

const fmt = (n: number) => (Math.abs(n) < 100 ? n.toFixed(1) : Math.round(n).toLocaleString("en-US"));
