// CPU time of this process split by thread, from /proc (Linux): the main thread, the worker threads
// started after `before` was taken, and the rest (V8's background compiler and garbage-collector
// threads, libuv), which were running before any worker.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU milliseconds of every thread of this process, by thread id. */
export function threadCpu() {
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime, in USER_HZ = 100
    } catch {} // the thread ended meanwhile
  }
  return out;
}

/** CPU used between two `threadCpu` readings, as main + workers + background (see above). */
export function cpuSplit(before, start, end) {
  const cpu = { main: 0, workers: 0, background: 0 };
  for (const [tid, ms] of end) {
    const used = ms - (start.get(tid) ?? 0);
    if (tid === process.pid) cpu.main += used;
    else if (before.has(tid)) cpu.background += used;
    else cpu.workers += used;
  }
  return cpu;
}
