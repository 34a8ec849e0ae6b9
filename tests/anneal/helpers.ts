/** Shared builders for the anneal tests: hand-made laws and latent data sets. */
import type { Dataset, FitResult, Law, LawRole } from '../../src/types.ts';

/** A law with the given model on the given subspace basis (metrics filled with harmless values). */
export function makeLaw(
  id: string,
  role: LawRole,
  basis: number[][],
  features: string[],
  coefficients: number[][],
  tolerance = 0.05,
  inlierFraction = 1,
): Law {
  const k = basis.length;
  return {
    id,
    rank: 1,
    family: role === 'map' ? 'library_map' : 'library_invariant',
    role,
    subspace: { label: 'test', kind: 'principal', basis, cost: 0 },
    equations: [],
    latex: '',
    summary: id,
    parameters: [],
    model: { role, variables: Array.from({ length: k }, (_, i) => `u${i + 1}`), features, coefficients },
    metrics: {
      rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction, tolerance, complexity: 0, descriptionLength: 0, nTransitions: 0,
    },
    outliers: [],
    notes: [],
  };
}

/** A 2-D rotation law by `angle` on the plane spanned by the first two rows of `basis`. */
export function rotationLaw(angle: number, basis: number[][] = [[1, 0], [0, 1]], tolerance = 0.05): Law {
  const c = Math.cos(angle), s = Math.sin(angle);
  const law = makeLaw(`rotation(${angle.toFixed(4)})`, 'map', basis, ['u1', 'u2'], [[c, -s], [s, c]], tolerance);
  law.family = 'rotation';
  return law;
}

/** K trajectories of T states of an exact rotation by `angle` (radius 1..2), dimension 2. */
export function rotationData(K: number, T: number, angle: number, phase = 0.3): Dataset {
  const states = new Float64Array(K * T * 2);
  for (let k = 0; k < K; k++) {
    const r = 1 + k / Math.max(1, K - 1);
    for (let t = 0; t < T; t++) {
      states[(k * T + t) * 2] = r * Math.cos(phase + k + t * angle);
      states[(k * T + t) * 2 + 1] = r * Math.sin(phase + k + t * angle);
    }
  }
  return { dim: 2, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: 'test' };
}

/** Solve A X = B for small dense A (n×n) and B (n×m) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], B: number[][]): number[][] {
  const n = A.length, m = B[0].length;
  const M = A.map((row, i) => [...row, ...B[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j < n + m; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row, i) => row.slice(n).map((v) => v / M[i][i]));
}

/**
 * A stand-in for the engine's `fit`: least-squares linear map z' = W z on the whole latent space, with
 * tolerance 0.1 × the latents' RMS spread. Enough to drive the bridge in tests without the engine.
 */
export async function stubSearch(latents: Dataset): Promise<FitResult> {
  const d = latents.dim, Z = latents.states;
  const pairs: number[] = [];
  for (let k = 0; k + 1 < latents.offsets.length; k++) for (let i = latents.offsets[k]; i + 1 < latents.offsets[k + 1]; i++) pairs.push(i);
  const zz = Array.from({ length: d }, () => new Array<number>(d).fill(1e-12));
  const zn = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const i of pairs)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        zz[a][b] += Z[i * d + a] * Z[i * d + b];
        zn[a][b] += Z[i * d + a] * Z[(i + 1) * d + b];
      }
  // Solve zz · Wᵀ = zn.
  const Wt = solve(zz, zn);
  const W = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => Wt[b][a]));
  const N = Z.length / d;
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) mean[a] += Z[i * d + a] / N;
  let spread = 0;
  for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) spread += (Z[i * d + a] - mean[a]) ** 2 / N;
  const tol = 0.1 * Math.sqrt(spread);
  let inl = 0, rss = 0;
  const outliers: number[] = [];
  pairs.forEach((i, t) => {
    let r2 = 0;
    for (let a = 0; a < d; a++) {
      let p = 0;
      for (let b = 0; b < d; b++) p += W[a][b] * Z[i * d + b];
      r2 += (Z[(i + 1) * d + a] - p) ** 2;
    }
    rss += r2;
    if (Math.sqrt(r2) <= tol) inl++;
    else outliers.push(t);
  });
  const basis = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)));
  const law = makeLaw('linear@full', 'map', basis, basis.map((_, a) => `u${a + 1}`), W, tol, inl / pairs.length);
  law.family = 'linear';
  law.metrics.relativeError = Math.sqrt(rss / (spread * N));
  law.metrics.rmse = Math.sqrt(rss / pairs.length);
  law.metrics.nTransitions = pairs.length;
  law.outliers = outliers;
  return {
    laws: [law],
    pareto: [],
    provenance: {
      source: latents.source, grammar: 'stub', seed: 0, workers: 1, version: 'test', dim: d,
      nTrajectories: latents.offsets.length - 1, nTransitions: pairs.length, tolerance: tol,
      candidatesScreened: 1, finalists: 1, finalistsOnSample: 0, failures: [], interrupted: false, elapsedMs: 0, timings: {},
    },
  };
}

/**
 * Vector "frames" [K, T, D] of a hidden rotation by `angle` (radius varying per sequence), seen through a
 * fixed nonlinear embedding x = tanh(A·(r cos θ, r sin θ) + b): a tiny problem whose true latent law is a rotation.
 */
export function hiddenRotationFrames(K: number, T: number, D: number, angle: number, seed = 1): Float64Array {
  let s = seed;
  const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const A = Array.from({ length: D }, () => [rnd(), rnd()]);
  const b = Array.from({ length: D }, () => 0.3 * rnd());
  const out = new Float64Array(K * T * D);
  for (let k = 0; k < K; k++) {
    const r = 0.6 + (0.6 * k) / Math.max(1, K - 1), th0 = 2 * Math.PI * ((rnd() + 1) / 2);
    for (let t = 0; t < T; t++) {
      const x = r * Math.cos(th0 + t * angle), y = r * Math.sin(th0 + t * angle);
      for (let j = 0; j < D; j++) out[(k * T + t) * D + j] = Math.tanh(A[j][0] * x + A[j][1] * y + b[j]);
    }
  }
  return out;
}
