// What this machine charges for memory a process touches for the first time, in ms per 100 MB: in 4 KB
// pages, and with malloc's transparent huge pages (as `latent-laws fit` asks for large inputs). A
// whole-process figure pays this for its data and its peak memory; on a virtual machine whose host
// backs guest memory lazily it is ten times a bare machine's and varies by the hour, so the rows of
// bench:fit print it beside them.
// Usage: node benchmarks/fresh-memory.mjs [MB]   (default 256; prints one line)
import { spawnSync } from 'node:child_process';

const MB = Number(process.argv[2] ?? 256);
const touch = `
  const t = performance.now();
  const bytes = new Uint8Array(new SharedArrayBuffer(${MB} * 2 ** 20));
  for (let at = 0; at < bytes.length; at += 4096) bytes[at] = 1;
  process.stdout.write(String((performance.now() - t) * 100 / ${MB}));
`;

/** First-touch cost in ms per 100 MB, median of three fresh processes, or null where one failed. */
export function freshMemoryCost(hugePages) {
  const env = { ...process.env };
  if (hugePages) env.GLIBC_TUNABLES = [env.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1'].filter(Boolean).join(':');
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ['-e', touch], { encoding: 'utf8', env });
    if (r.status !== 0) return null;
    runs.push(Number(r.stdout));
  }
  return runs.sort((a, b) => a - b)[1];
}

/** One line: the cost in both page sizes. */
export function freshMemoryLine() {
  const fmt = (v) => (v === null ? 'n/a' : `${v.toFixed(0)} ms`);
  return `fresh memory on this machine (first touch, per 100 MB, median of 3): ${fmt(freshMemoryCost(false))} in 4 KB pages, ${fmt(freshMemoryCost(true))} with huge pages`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(freshMemoryLine());
