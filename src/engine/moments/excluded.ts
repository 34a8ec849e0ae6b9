/**
 * The transitions the stride-1 lag-2 set leaves out: each trajectory's last, which has no state two
 * steps on. The lag-2 set's moments are the full moments less their outer products v vᵀ,
 * v = [w_t; w_{t+1}; 1]. There are as many as trajectories, usually far fewer than the 2d + 1
 * entries of v, so they are kept as vectors, (2d+1)·r values, where their Gram would take (2d+1)²:
 * 34 MB per copy at d = 1024, about the data itself at 10⁴ transitions. Past a share of that size
 * they are summed into the Gram after all.
 */
import type { Mat } from '../kernels/linalg.js';
import { coordinatesOf } from '../kernels/project.js';
import { GramSum } from './outer-sums.js';
import { sharedFloat64 } from './shared.js';

/** The left-out transitions: their vectors (`rows`, count × (2d+1), row-major) or the Gram of those (`gram`, full, symmetric). */
export interface ExcludedTransitions {
  count: number;
  rows?: Float64Array;
  gram?: Float64Array;
}

/** Sums of a subspace's coordinates about the moment shift: Σ u uᵀ, Σ u' uᵀ, Σ u' u'ᵀ, Σ u, Σ u'. */
export interface ShiftedSums {
  xx: Mat;
  yx: Mat;
  yy: Mat;
  sx: number[];
  sy: number[];
}

/**
 * Vectors kept at most for v of m entries: m/8 of them hold an eighth of the Gram's entries, and
 * projecting them on every coordinate (as the complement's figures do) costs no more than their Gram.
 */
export const maxExcludedRows = (m: number): number => Math.max(1, Math.floor(m / 8));

/** The vectors of the transitions starting at `states` (w = z − shift), as {@link ExcludedTransitions}. */
export function excludedRows(data: ArrayLike<number>, d: number, shift: ArrayLike<number>, states: readonly number[]): ExcludedTransitions {
  const m = 2 * d + 1;
  const rows = new Float64Array(states.length * m);
  states.forEach((st, r) => {
    for (let j = 0; j < d; j++) {
      rows[r * m + j] = data[st * d + j] - shift[j];
      rows[r * m + d + j] = data[(st + 1) * d + j] - shift[j];
    }
    rows[r * m + 2 * d] = 1;
  });
  return { count: states.length, rows };
}

/**
 * The left-out transitions of chunks added in chunk order: vectors while few, then their Gram, into
 * which every vector goes in the same order and blocks whatever the chunks, so the sum is the same
 * to the bit however the transitions were chunked.
 */
export class ExcludedSum {
  readonly #parts: Float64Array[] = [];
  #count = 0;
  #gram: GramSum | null = null;

  constructor(readonly m: number) {}

  add(part: ExcludedTransitions): void {
    if (!part.rows) throw new Error('left-out transitions of a chunk come as vectors');
    this.#count += part.count;
    this.#parts.push(part.rows);
    if (!this.#gram && this.#count > maxExcludedRows(this.m)) this.#gram = new GramSum(this.m);
    if (this.#gram) {
      for (const rows of this.#parts) for (let r = 0; r < rows.length; r += this.m) this.#gram.add(rows.subarray(r, r + this.m));
      this.#parts.length = 0;
    }
  }

  /** All of them, in shared memory (tasks read them by reference). */
  result(): ExcludedTransitions {
    const m = this.m;
    if (!this.#gram) {
      const rows = sharedFloat64(this.#count * m);
      let at = 0;
      for (const part of this.#parts) rows.set(part, (at += part.length) - part.length);
      return { count: this.#count, rows };
    }
    this.#gram.flush();
    const upper = this.#gram.gram;
    const gram = sharedFloat64(m * m);
    for (let i = 0; i < m; i++) for (let j = i; j < m; j++) gram[i * m + j] = gram[j * m + i] = upper[i * m + j];
    return { count: this.#count, gram };
  }
}

/**
 * `sums` (of every transition, on the orthonormal rows of `basis`) less those of the left-out
 * transitions, in place: the lag-2 set's sums. `projectGram` projects a full moment-shaped matrix
 * the way the full moments were. In place, because on the identity (the complement's figures) each
 * sum is d × d: 8 MB at d = 1024.
 */
export function withoutExcluded(sums: ShiftedSums, ex: ExcludedTransitions, d: number, basis: number[][], projectGram: (S: Float64Array) => ShiftedSums): ShiftedSums {
  const k = basis.length;
  if (ex.gram) {
    const less = projectGram(ex.gram);
    for (const key of ['xx', 'yx', 'yy'] as const) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sums[key][a][b] -= less[key][a][b];
    for (let a = 0; a < k; a++) [sums.sx[a], sums.sy[a]] = [sums.sx[a] - less.sx[a], sums.sy[a] - less.sy[a]];
    return sums;
  }
  const [u, v] = projectedRows(ex, d, basis);
  // Each entry a dot product over the transitions, in rows of r values: all d² of them on the identity
  // took a second at d = 1024 summed transition by transition.
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      sums.yx[a][b] -= dot(v[a], u[b]);
      if (b < a) continue;
      const [uu, vv] = [dot(u[a], u[b]), dot(v[a], v[b])];
      sums.xx[a][b] -= uu;
      sums.yy[a][b] -= vv;
      if (b === a) continue;
      sums.xx[b][a] -= uu;
      sums.yy[b][a] -= vv;
    }
    sums.sx[a] -= total(u[a]);
    sums.sy[a] -= total(v[a]);
  }
  return sums;
}

/** The left-out transitions' coordinates on the basis rows, u = B w_t and v = B w_{t+1}: one array of r values per row. */
function projectedRows(ex: ExcludedTransitions, d: number, basis: number[][]): [Float64Array[], Float64Array[]] {
  const m = 2 * d + 1;
  const rows = ex.rows!;
  const coords = coordinatesOf(basis);
  const project = (from: number) =>
    basis.map((row, a) => {
      const out = new Float64Array(ex.count);
      for (let r = 0; r < ex.count; r++) {
        const at = r * m + from;
        if (coords) out[r] = rows[at + coords[a]];
        else for (let p = 0; p < d; p++) out[r] += row[p] * rows[at + p];
      }
      return out;
    });
  return [project(0), project(d)];
}

const total = (x: Float64Array): number => x.reduce((t, e) => t + e, 0);

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}
