/**
 * The subspaces rules may act on. No basis is privileged: besides axis-aligned coordinate subsets, the
 * data proposes its own subspaces, the invariant subspaces of the fitted linear operator (as in dynamic
 * mode decomposition: a complex eigenvalue pair is a candidate rotation plane) and principal subspaces.
 */
import { errorMessage } from '../../errors.js';
import type { Failure, Grammar, Subspace } from '../../types.js';
import { generalEigen, orthonormalRows, symmetricEigen, transpose, solve } from '../kernels/linalg.js';
import { type Moments, projectMoments } from '../moments/moments.js';
import { objective, refineSubspace, robustRefine } from './refine.js';

const log2 = Math.log2;

/** Sampled transitions for robust refinement of data-driven subspaces (outliers must not tilt them). */
export interface SampleData {
  states: Float64Array;
  dim: number;
  starts: Uint32Array;
  sample: Uint32Array;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function* combinations(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (let i = start; i < n; i++) yield* combinations(n, k, i + 1, [...prefix, i]);
}

function unitRows(d: number, coords: number[]): number[][] {
  return coords.map((c) => Array.from({ length: d }, (_, j) => (j === c ? 1 : 0)));
}

/**
 * Coordinates that carry (almost) all of an orthonormal basis: a data-driven subspace that is really a
 * coordinate subset is reported as that subset, which is cheaper to state.
 */
function axisAligned(basis: number[][], d: number): number[] | null {
  const k = basis.length;
  const weight = Array.from({ length: d }, (_, j) => basis.reduce((s, row) => s + row[j] * row[j], 0));
  const order = weight.map((w, j) => ({ w, j })).sort((a, b) => b.w - a.w);
  const top = order.slice(0, k);
  const captured = top.reduce((s, x) => s + x.w, 0);
  return captured >= k * (1 - 1e-8) ? top.map((x) => x.j).sort((a, b) => a - b) : null;
}

/** Bits to state a data-estimated k-dimensional subspace of R^d: k(d−k) Grassmann coordinates. */
function estimatedBasisBits(k: number, d: number, n: number): number {
  return k * (d - k) * 0.5 * log2(Math.max(n, 2));
}

const fmt = (x: number) => (Math.abs(x) < 5e-4 ? '0' : x.toFixed(3));

/**
 * Invariant subspaces of the least-squares linear operator (with offset) on the whole space, ordered by
 * eigenvalue modulus (persistent modes first). Left-invariant subspaces are used, because a law on
 * u = B z needs B z' to depend on B z only: B A = M B.
 */
function eigenSubspaces(mom: Moments, maxCount: number, samples?: SampleData): { label: string; basis: number[][]; modulus: number }[] {
  const d = mom.dim;
  const full = projectMoments(
    mom,
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))),
  );
  const A = transpose(solve(full.cxx, transpose(full.cyx)));
  const { re, im, vectors } = generalEigen(transpose(A));
  const refine = (basis: number[][]) => {
    // A mode whose own linear fit leaves most of its variance unexplained holds no law to sharpen.
    if (objective(basis, full).f > 0.5) return basis;
    const refined = refineSubspace(basis, full);
    return samples ? robustRefine(refined, samples.states, samples.dim, samples.starts, samples.sample) : refined;
  };
  const modes: { label: string; basis: number[][]; modulus: number }[] = [];
  for (let i = 0; i < re.length; i++) {
    if (im[i] < 0) continue; // the conjugate's pair member carries the same plane
    const modulus = Math.hypot(re[i], im[i]);
    if (im[i] > 0 && i + 1 < re.length) {
      const basis = refine(orthonormalRows([vectors[i], vectors[i + 1]]));
      if (basis.length === 2) modes.push({ label: `eig(${fmt(re[i])}±${fmt(im[i])}i)`, basis, modulus });
    } else {
      const basis = refine(orthonormalRows([vectors[i]]));
      if (basis.length === 1) modes.push({ label: `eig(${fmt(re[i])})`, basis, modulus });
    }
  }
  modes.sort((a, b) => b.modulus - a.modulus || a.label.localeCompare(b.label));
  return modes.slice(0, maxCount);
}

/**
 * Generate the grammar's subspaces from the full moments. Data-driven subspaces that coincide with a
 * coordinate subset or with one another are kept once (the cheapest statement). A generator whose
 * decomposition fails (non-finite moments) proposes nothing and is recorded in `failures`.
 */
export function generateSubspaces(grammar: Grammar, mom: Moments, samples?: SampleData, failures: Failure[] = []): Subspace[] {
  const d = mom.dim;
  const out: Subspace[] = [];
  const seenCoords = new Set<string>();
  const addCoords = (coords: number[], cost: number) => {
    const key = coords.join(',');
    if (seenCoords.has(key)) return;
    seenCoords.add(key);
    out.push({
      label: `coords[${key}]`,
      kind: 'coordinates',
      basis: unitRows(d, coords),
      coordinates: coords,
      cost: cost + log2(binomial(d, coords.length)),
    });
  };
  const dataDriven: Subspace[] = [];
  const addDataDriven = (s: Subspace, generatorCost: number) => {
    const aligned = axisAligned(s.basis, d);
    if (aligned) return addCoords(aligned, generatorCost);
    if (s.basis.length === d) return; // the whole space is 'full', stated for free
    for (const other of dataDriven) {
      if (other.basis.length === s.basis.length && spansEqual(other.basis, s.basis)) return;
    }
    dataDriven.push(s);
  };
  for (const gen of grammar.subspaces) {
    if (gen.kind === 'coordinates') {
      for (let k = 1; k <= Math.min(gen.maxSize, d); k++) for (const c of combinations(d, k)) addCoords(c, gen.cost);
    } else if (gen.kind === 'full') {
      out.push({ label: 'full', kind: 'full', basis: unitRows(d, [...Array(d).keys()]), cost: gen.cost });
    } else if (gen.kind === 'eigenspaces') {
      const modes = attempt('eigenspaces', failures, () => eigenSubspaces(mom, gen.maxCount, samples));
      const naming = log2(Math.max(gen.maxCount, 1));
      modes.forEach((mode) =>
        addDataDriven(
          {
            label: mode.label,
            kind: 'eigenspace',
            basis: mode.basis,
            cost: gen.cost + naming + estimatedBasisBits(mode.basis.length, d, mom.n),
            basisBits: estimatedBasisBits(mode.basis.length, d, mom.n),
          },
          gen.cost,
        ),
      );
      // Unions of the leading modes: several rotation planes together form one orthogonal map.
      let union: number[][] = [];
      for (let i = 0; i < modes.length - 1; i++) {
        union = orthonormalRows([...union, ...modes[i].basis]);
        if (i === 0) continue;
        addDataDriven(
          {
            label: `eig-top${i + 1}`,
            kind: 'eigenspace',
            basis: union,
            cost: gen.cost + naming + estimatedBasisBits(union.length, d, mom.n),
            basisBits: estimatedBasisBits(union.length, d, mom.n),
          },
          gen.cost,
        );
      }
    } else if (gen.kind === 'principal') {
      const leading = attempt('principal', failures, () => symmetricEigen(projectMoments(mom, unitRows(d, [...Array(d).keys()])).cxx).vectors.slice().reverse());
      for (let k = 1; k <= Math.min(gen.maxSize, leading.length - 1); k++) {
        addDataDriven(
          {
            label: `pca${k}`,
            kind: 'principal',
            basis: orthonormalRows(leading.slice(0, k)),
            cost: gen.cost + log2(Math.max(gen.maxSize, 1)) + estimatedBasisBits(k, d, mom.n),
            basisBits: estimatedBasisBits(k, d, mom.n),
          },
          gen.cost,
        );
      }
    }
  }
  return [...out, ...dataDriven];
}

/** A generator's subspaces, or none (with a failure entry) when its decomposition throws. */
function attempt<T>(generator: string, failures: Failure[], make: () => T[]): T[] {
  try {
    return make();
  } catch (err) {
    failures.push({ id: `subspaces:${generator}`, error: errorMessage(err) });
    return [];
  }
}

function spansEqual(a: number[][], b: number[][]): boolean {
  // ‖B Aᵀ‖_F² = k exactly when the spans agree (orthonormal rows).
  let s = 0;
  for (const ra of a) for (const rb of b) s += ra.reduce((t, x, i) => t + x * rb[i], 0) ** 2;
  return s >= a.length * (1 - 1e-8);
}
