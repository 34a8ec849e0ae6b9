/** Shared builders for the anneal tests: hand-made laws and latent data sets. */
import type { Dataset, Law, LawRole } from '../../src/types.js';

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
      rmse: 0, relativeError: 0, inlierFraction, tolerance, complexity: 0, descriptionLength: 0, nTransitions: 0,
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
