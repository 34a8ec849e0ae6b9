/**
 * The one seeded random generator (mulberry32): identical on every platform, and its whole state is
 * one 32-bit integer, so a checkpoint can store it and a resumed run draws exactly the numbers the
 * uninterrupted run would have drawn. Math.random is never used: every random choice goes through this.
 */
export class Rng {
  private s: number;

  /** @param seed any number; only its low 32 bits matter. */
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The full generator state (restore with {@link Rng.setState}). */
  get state(): number {
    return this.s;
  }

  /** Restore a state previously read from {@link Rng.state}. */
  setState(state: number): void {
    this.s = state >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller; one draw per call, the pair's second value is dropped for simplicity). */
  normal(): number {
    const u = 1 - this.next(); // in (0, 1]: log stays finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

/** A plain `() => number` stream of {@link Rng} (the screening sample, planted data sets). */
export function mulberry32(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
