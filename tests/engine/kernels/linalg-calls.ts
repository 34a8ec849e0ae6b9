/** Calls of every decomposition on a matrix with one bad entry, for the guard test (run under a deadline). */
import { smallestGeneralizedEigen } from '../../../src/engine/kernels/generalized-eigen.ts';
import { generalEigen, solve, svd, symmetricEigen } from '../../../src/engine/kernels/linalg.ts';

/** A full 3 × 3 matrix (no triangular shortcut in the solvers) with `v` at [0][1]. */
export const withEntry = (v: number): number[][] => [
  [1, v, 2],
  [3, 1, 1],
  [2, -1, 0.5],
];

/** For each bad value and each decomposition: the error message, or "returned" when it accepted the value. */
export function decompositionErrors(bad: number[]): string[] {
  const out: string[] = [];
  for (const v of bad) {
    const a = withEntry(v);
    const calls: [string, () => unknown][] = [
      ['generalEigen', () => generalEigen(a)],
      ['symmetricEigen', () => symmetricEigen(a)],
      ['svd', () => svd(a)],
      ['solve', () => solve(a, [[1], [2], [3]])],
      ['solve (right side)', () => solve(withEntry(1), [[1], [v], [3]])],
      ['smallestGeneralizedEigen', () => smallestGeneralizedEigen(a, withEntry(1))],
    ];
    for (const [name, call] of calls) {
      try {
        call();
        out.push(`${name} on ${v}: returned`);
      } catch (err) {
        out.push(`${name} on ${v}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}
