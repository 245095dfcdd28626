import { readFileSync } from "node:fs";

/** What the kernel says a process has used so far (Linux /proc). */
export interface ProcessUsage {
  /** User + system CPU time, in milliseconds. */
  cpuMs: number;
  /** Resident set now, in MiB. */
  rssMiB: number;
  /** Highest resident set since the process started (VmHWM), in MiB. */
  peakRssMiB: number;
}

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat. 100 on every Linux ABI Node runs on.
const TICKS_PER_SECOND = 100;

/** Reads CPU time from /proc/<pid>/stat and RSS from /proc/<pid>/status. */
export function processUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat(5) (utime, stime) are 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    cpuMs: (ticks * 1000) / TICKS_PER_SECOND,
    rssMiB: kibOf(status, "VmRSS") / 1024,
    peakRssMiB: kibOf(status, "VmHWM") / 1024,
  };
}

function kibOf(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!m) throw new Error(`no ${field} in /proc status`);
  return Number(m[1]);
}
