/**
 * Statistics summed directly over transitions, the plain references the closed-form fits and scoring
 * are checked against. A module of its own, away from the one that runs fits, so the unit tests of
 * the model and ranking stages do not load the whole search.
 */
import type { SubspaceMoments } from '../../src/engine/moments/moments.ts';

/** Subspace moments of transitions (u, u'): raw sums about the origin and sums centred on the means. */
export function subspaceMomentsOf(x: number[][], y: number[][]): SubspaceMoments {
  const k = x[0].length;
  const n = x.length;
  const sums = (a: number[][], b: number[][]) => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => a.reduce((s, row, t) => s + row[i] * b[t][j], 0)));
  const total = (a: number[][]) => Array.from({ length: k }, (_, i) => a.reduce((s, row) => s + row[i], 0));
  const sx = total(x);
  const sy = total(y);
  const centred = (a: number[][], sa: number[]) => a.map((row) => row.map((v, i) => v - sa[i] / n));
  const [cx, cy] = [centred(x, sx), centred(y, sy)];
  return { k, n, xx: sums(x, x), yx: sums(y, x), yy: sums(y, y), sx, sy, cxx: sums(cx, cx), cyx: sums(cy, cx), cyy: sums(cy, cy) };
}
