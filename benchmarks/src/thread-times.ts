// Per-thread CPU and run-queue time of this process (Linux /proc schedstat), for debugging where
// a multi-threaded run spends its CPU: worker isolates, V8's compiler/GC helpers, libuv's pool.
import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadTime { readonly name: string; readonly runNs: number; readonly waitNs: number }

/** Snapshot of every thread of this process, by thread id; empty where /proc is absent. */
export function threadTimes(): Map<string, ThreadTime> {
  const out = new Map<string, ThreadTime>();
  let tids: string[];
  try { tids = readdirSync('/proc/self/task'); } catch { return out; }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      out.set(tid, { name, runNs: run!, waitNs: wait! });
    } catch { /* the thread ended between listing and reading */ }
  }
  return out;
}

/** Lines "tid name: cpu ms, waited ms" per thread that ran, for the interval since `before`. */
export function threadTimesSince(before: Map<string, ThreadTime>): string[] {
  const rows: [string, number, number][] = [];
  for (const [tid, t] of threadTimes()) {
    const b = before.get(tid);
    const run = t.runNs - (b?.runNs ?? 0), wait = t.waitNs - (b?.waitNs ?? 0);
    if (run > 0) rows.push([`${tid} ${t.name}`, run, wait]);
  }
  return rows.sort((a, b) => b[1] - a[1]).map(([who, run, wait]) => `${who}: cpu ${(run / 1e6).toFixed(0)} ms, runnable-waiting ${(wait / 1e6).toFixed(0)} ms`);
}
