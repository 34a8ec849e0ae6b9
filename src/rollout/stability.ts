/**
 * Whether a map law can be iterated for a rollout. The law search ranks laws by one-step description
 * length, which says nothing about where a law goes after many steps: a library map whose small quadratic
 * terms shorten the description can spiral off its data within a few dozen steps, where the affine map it
 * refines stays on it. Rollout therefore iterates the chosen law from the training sequences' starts first
 * and, when it leaves the training data's range, falls back to a law of the same subspace that stays.
 *
 * Range: in the law's subspace, a state is in range while its distance from the training latents' mean is
 * at most {@link RANGE_FACTOR} × the largest such distance among the training latents. The factor leaves
 * room for a law that is right but was trained on a few short sequences, yet catches drift and divergence
 * (which grow without bound) well before the decoded frames turn to noise.
 */
import { alternativeAsLaw } from '../laws/ids.js';
import type { Dataset, Law } from '../types.js';
import { compileLaw, mapStep } from '../laws/compile.js';
import { sameSpan } from '../engine/kernels/linalg.js';

/** A state more than this many times the training latents' largest distance from their mean is out of range. */
export const RANGE_FACTOR = 2;

/** What {@link chooseStableLaw} decided. */
export interface StabilityVerdict {
  /** The law to roll out. */
  law: Law;
  /**
   * `stable`: the chosen law stays in range; `fallback`: it does not and `law` replaces it; `unstable`: it does
   * not and is rolled out anyway (no candidate stays in range, or the fallback is disabled).
   */
  stability: 'stable' | 'fallback' | 'unstable';
  /** Steps after which the chosen law first left the range (absent when it stayed in range). */
  divergedAfterSteps?: number;
  /** Id of the chosen law when `law` replaced it. */
  fallbackFrom?: string;
  /** Laws tried after the chosen one, with the steps after which each left the range (`null`: stayed). */
  tried: { id: string; divergedAfterSteps: number | null }[];
  /** One line for the user when the chosen law left the range. */
  message?: string;
}

/**
 * Iterate a map law in its subspace from the first state of every trajectory of `latents` for `steps`
 * steps (see the module comment for the range).
 * @returns the smallest number of steps after which some trajectory's state is non-finite or out of
 *   range, or `null` when every trajectory stays in range for all `steps`.
 */
export function divergenceStep(law: Law, latents: Dataset, steps: number, factor = RANGE_FACTOR): number | null {
  const k = law.subspace.basis.length;
  const nStates = latents.offsets[latents.offsets.length - 1];
  const U = compileLaw(law).projectAll(latents.states, latents.dim);
  const mean = new Float64Array(k);
  for (let i = 0; i < nStates; i++) for (let a = 0; a < k; a++) mean[a] += U[i * k + a] / nStates;
  const distance = (u: ArrayLike<number>, at = 0): number => {
    let s = 0;
    for (let a = 0; a < k; a++) s += (u[at + a] - mean[a]) ** 2;
    return Math.sqrt(s);
  };
  let radius = 0;
  for (let i = 0; i < nStates; i++) radius = Math.max(radius, distance(U, i * k));
  const limit = factor * radius;
  const step = mapStep(law);
  const u = new Float64Array(k), next = new Float64Array(k);
  let first: number | null = null;
  for (let j = 0; j + 1 < latents.offsets.length; j++) {
    if (latents.offsets[j + 1] <= latents.offsets[j]) continue;
    u.set(U.subarray(latents.offsets[j] * k, latents.offsets[j] * k + k));
    // A later trajectory matters only if it leaves the range sooner than one already did.
    for (let t = 1; t <= steps && (first === null || t < first); t++) {
      step(u, next);
      u.set(next);
      if (!(distance(u) <= limit)) {
        first = t;
        break;
      }
    }
  }
  return first;
}

/** Same subspace of the same latent space (largest principal angle below 1e-3 rad). */
function sameSubspace(a: number[][], b: number[][]): boolean {
  return a[0]?.length === b[0]?.length && sameSpan(a, b, 1e-3);
}

/**
 * Test `chosen` for a rollout of `steps` steps on the training latents and, when it leaves their range,
 * pick the first law that stays in range among its alternatives (shortest description first), then the
 * other map laws of `laws` on the same subspace (best rank first).
 * @param options.fallback `false` reports a divergence but keeps `chosen` (default `true`)
 */
export function chooseStableLaw(chosen: Law, laws: readonly Law[], latents: Dataset, steps: number, options: { fallback?: boolean } = {}): StabilityVerdict {
  const diverged = divergenceStep(chosen, latents, steps);
  if (diverged === null) return { law: chosen, stability: 'stable', tried: [] };
  const head = `law ${chosen.id} leaves the training range after ${diverged} step${diverged === 1 ? '' : 's'}`;
  if (options.fallback === false)
    return { law: chosen, stability: 'unstable', divergedAfterSteps: diverged, tried: [], message: `${head} (fallback disabled); rolling it out anyway` };
  const candidates: Law[] = [
    ...(chosen.alternatives ?? []).filter((a) => a.role === 'map').map((a) => alternativeAsLaw(chosen, a)),
    ...laws
      .filter((l) => l !== chosen && l.id !== chosen.id && l.role === 'map' && sameSubspace(l.subspace.basis, chosen.subspace.basis))
      .sort((a, b) => a.rank - b.rank),
  ];
  const tried: StabilityVerdict['tried'] = [];
  for (const law of candidates) {
    const d = divergenceStep(law, latents, steps);
    tried.push({ id: law.id, divergedAfterSteps: d });
    if (d === null)
      return { law, stability: 'fallback', divergedAfterSteps: diverged, fallbackFrom: chosen.id, tried, message: `${head}; rolling out ${law.id} instead, which stays in range for ${steps} steps` };
  }
  const why = candidates.length === 0 ? 'it has no alternative on its subspace' : `no alternative stays in range either (${tried.map((t) => `${t.id}: ${t.divergedAfterSteps} steps`).join(', ')})`;
  return { law: chosen, stability: 'unstable', divergedAfterSteps: diverged, tried, message: `${head} and ${why}; rolling it out anyway` };
}
