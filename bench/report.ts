/** One measured figure with the baseline it is compared to, measured in the same run. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
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

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
