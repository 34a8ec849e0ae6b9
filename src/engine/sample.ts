/**
 * The screening sample: the one random choice of the search, drawn from an explicit seed so a result
 * can be reproduced exactly.
 */

/** mulberry32: small, fast, and identical on every platform (unlike Math.random, which cannot be seeded). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct transition indices out of n (all of them when n ≤ count), sorted. */
export function sampleIndices(n: number, count: number, seed: number): Uint32Array {
  if (n <= count) return Uint32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  // Floyd's algorithm: exactly `count` distinct draws without materialising 0..n-1.
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Uint32Array.from([...chosen].sort((a, b) => a - b));
}
