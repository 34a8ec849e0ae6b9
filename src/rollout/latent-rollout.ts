/**
 * The latent trajectory a map law predicts from encoded starts: u_0 = B z_0, u_{t+1} = C φ(u_t) in the
 * law's subspace (orthonormal basis rows B, k × d), and z_t = (I − BᵀB) h + Bᵀ u_t, where h holds the
 * dimensions outside the subspace (see {@link LatentHold}). Shared by `rollout` and the anneal report's
 * sample frames, so the report shows what `rollout` does. Pure numeric code, no I/O.
 */
import type { Law } from '../types.js';
import { mapStep } from '../laws/compile.js';
import { holdOnManifold, type SlavedManifold } from './hold.js';

/**
 * What the dimensions outside the law's subspace hold: the training latents nearest to the current
 * subspace state (`manifold`, needs the manifold index), the training mean (`mean`) or the start's own
 * values (`initial`).
 */
export type LatentHold = { kind: 'manifold'; manifold: SlavedManifold } | { kind: 'mean'; latentMean: number[] } | { kind: 'initial' };

/**
 * Iterate `law` `steps` times from each of the `K` starts in `z0` (K × d, row-major).
 * @returns K × (steps + 1) × d latents, row-major, the encoded start first.
 */
export function latentRollout(law: Law, z0: ArrayLike<number>, K: number, d: number, steps: number, hold: LatentHold): Float64Array {
  const B = law.subspace.basis, k = B.length;
  const step = mapStep(law);
  const Z = new Float64Array(K * (steps + 1) * d);
  const u = new Float64Array(k), next = new Float64Array(k);
  for (let s = 0; s < K; s++) {
    const start = Array.from({ length: d }, (_, c) => z0[s * d + c]);
    // base = (I − BᵀB) h: the part of the held vector outside the law's subspace (the manifold hold
    // sets it afresh at every step).
    const base = new Float64Array(d);
    if (hold.kind !== 'manifold') {
      const h = hold.kind === 'initial' ? start : hold.latentMean;
      base.set(h);
      for (let a = 0; a < k; a++) {
        let proj = 0;
        for (let c = 0; c < d; c++) proj += B[a][c] * h[c];
        for (let c = 0; c < d; c++) base[c] -= B[a][c] * proj;
      }
    }
    for (let a = 0; a < k; a++) {
      u[a] = 0;
      for (let c = 0; c < d; c++) u[a] += B[a][c] * start[c];
    }
    for (let t = 0; t <= steps; t++) {
      const at = (s * (steps + 1) + t) * d;
      if (hold.kind === 'manifold') holdOnManifold(hold.manifold, u, base);
      for (let c = 0; c < d; c++) {
        let v = base[c];
        for (let a = 0; a < k; a++) v += B[a][c] * u[a];
        Z[at + c] = v;
      }
      step(u, next);
      u.set(next);
    }
  }
  return Z;
}
