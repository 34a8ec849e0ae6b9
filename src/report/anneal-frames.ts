/**
 * Sample frames of a finished anneal run: one sequence's original frames, their reconstruction by the
 * autoencoder, and the rollout by the best map law from the first frame, made as `rollout` makes it. All
 * three rows show the same sequence step for step: a held-out sequence when the run kept some (never
 * trained on), else the first training sequence. This module loads TensorFlow.js; only the `report` command imports it.
 */
import { join } from 'node:path';
import { selectBackend } from '../anneal/backend.js';
import { slavedManifold } from '../anneal/hold.js';
import { latentRollout, type LatentHold } from '../anneal/latent-rollout.js';
import { chooseStableLaw } from '../anneal/stability.js';
import { loadModel } from '../anneal/checkpoint.js';
import { loadRunData, readRunConfig, readRunLatents } from '../anneal/config.js';
import { decodeAll, disposeAutoencoder, encodeAll, withVariables } from '../anneal/model.js';
import type { FitResult } from '../types.js';
import type { SampleFrames } from './anneal-charts.js';

/**
 * Decode sample frames of the run in `runDir` (which must hold `model/`).
 * @param laws the run's laws; the first map law makes the rollout row (omitted when there is none), or
 *   the alternative `rollout` would fall back to when that law leaves the training range
 * @param latentMean the training latents' mean (from `summary.json`): where the dimensions outside the
 *   law's subspace start when the run has no latents.npy to follow (`rollout`'s 'manifold' hold)
 * @param count frames per row (at most the sequence's length)
 */
export async function sampleFrames(runDir: string, laws: FitResult | undefined, latentMean: number[] | undefined, count = 8): Promise<SampleFrames> {
  const cfg = readRunConfig(runDir);
  await selectBackend(cfg.backend, cfg.model.arch === 'conv' ? 'conv' : 'dense');
  const ae = withVariables(cfg.model, await loadModel(join(runDir, 'model', 'encoder')), await loadModel(join(runDir, 'model', 'decoder')));
  try {
    const { train, heldout } = loadRunData(cfg.data, cfg.heldout);
    const set = heldout ?? train;
    const size = set.sampleSize, d = cfg.model.latent;
    const n = Math.max(1, Math.min(count, set.offsets[1] - set.offsets[0]));
    const original = set.samples.slice(0, n * size);
    const recon = decodeAll(ae, encodeAll(ae, original, n), n);
    const rows: { label: string; flat: Float32Array }[] = [
      { label: 'original', flat: original },
      { label: 'reconstruction', flat: recon },
    ];
    const chosen = laws?.laws.find((l) => l.role === 'map' && l.subspace.basis[0]?.length === d);
    if (chosen) {
      // As `rollout` does by default: a law that leaves the training range gives way to a stable
      // alternative, and the dimensions outside its subspace follow the training latents' manifold.
      // The check runs over the steps shown; a run without latents.npy holds the rest at the mean.
      const latents = readRunLatents(runDir, d);
      const law = latents ? chooseStableLaw(chosen, laws!.laws, latents, n - 1).law : chosen;
      const z0 = encodeAll(ae, original.subarray(0, size), 1);
      const hold: LatentHold = latents
        ? { kind: 'manifold', manifold: slavedManifold(latents.states, d, law.subspace.basis) }
        : { kind: 'mean', latentMean: latentMean && latentMean.length === d ? latentMean : Array.from(z0) };
      const Z = latentRollout(law, z0, 1, d, n - 1, hold);
      rows.push({ label: `rollout by ${law.id}`, flat: decodeAll(ae, Z, n) });
    }
    // One colour scale for all rows, fixed by the original frames, so brightness compares across rows.
    const [H, W, C] = imageShape(cfg.model.inputShape);
    let lo = Infinity, hi = -Infinity;
    for (const v of original) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi > lo ? hi - lo : 1;
    const frame = (flat: Float32Array, t: number): Float32Array => {
      const out = new Float32Array(H * W);
      // Stacked frames are channels (channel-last); the last channel is the newest frame.
      for (let p = 0; p < H * W; p++) out[p] = Math.min(1, Math.max(0, (flat[t * size + p * C + C - 1] - lo) / span));
      return out;
    };
    return {
      height: H, width: W,
      steps: Array.from({ length: n }, (_, t) => t),
      rows: rows.map((r) => ({ label: r.label, frames: Array.from({ length: n }, (_, t) => frame(r.flat, t)) })),
      description: `${heldout ? 'first held-out sequence' : 'first training sequence'} of ${set.description}`,
    };
  } finally {
    disposeAutoencoder(ae);
  }
}

/** [H, W, C] of a sample shape: images as they are, vectors as 1 × D strips with one channel. */
function imageShape(shape: number[]): [number, number, number] {
  if (shape.length >= 2) return [shape[0], shape[1], shape.slice(2).reduce((a, b) => a * b, 1)];
  return [1, shape[0] ?? 1, 1];
}
