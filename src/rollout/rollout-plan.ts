/**
 * What a rollout iterates and holds: the law after the stability check (see stability.ts) and what the
 * dimensions outside its subspace hold (see latent-rollout.ts). `rollout` and the anneal report's sample
 * frames both start here, so the report shows what `rollout` does. Pure numeric code, no I/O.
 */
import type { Dataset, Law } from '../types.js';
import { slavedManifold } from './hold.js';
import type { LatentHold } from './latent-rollout.js';
import { chooseStableLaw, type StabilityVerdict } from './stability.js';

export interface RolloutPlan {
  law: Law;
  /** Null when there are no training latents to check against (the law is then rolled out unchecked). */
  verdict: StabilityVerdict | null;
  hold: LatentHold;
}

/**
 * @param latents the run's training latents; required by the `manifold` hold
 * @param latentMean where the `mean` hold keeps the other dimensions
 * @param options.fallback `false` keeps `chosen` even when it leaves the training range (default `true`)
 */
export function planRollout(
  chosen: Law,
  laws: readonly Law[],
  latents: Dataset | undefined,
  steps: number,
  hold: LatentHold['kind'],
  latentMean: number[],
  options: { fallback?: boolean } = {},
): RolloutPlan {
  const verdict = latents ? chooseStableLaw(chosen, laws, latents, steps, options) : null;
  const law = verdict?.law ?? chosen;
  if (hold === 'manifold') {
    if (!latents) throw new Error("internal: the 'manifold' hold needs the training latents");
    return { law, verdict, hold: { kind: 'manifold', manifold: slavedManifold(latents.states, latents.dim, law.subspace.basis) } };
  }
  return { law, verdict, hold: hold === 'initial' ? { kind: 'initial' } : { kind: 'mean', latentMean } };
}
