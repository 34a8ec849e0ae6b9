/**
 * Sample frames of a finished anneal run: one sequence's original frames, their reconstruction by the
 * autoencoder, and the rollout by the best map law from the first frame, made as `rollout` makes it. All
 * three rows show the same sequence step for step: a held-out sequence when the run kept some (never
 * trained on), else the first training sequence. This module loads TensorFlow.js; only the `report` command imports it.
 */
import { join } from 'node:path';
import { selectBackend } from '../anneal/backend.js';
import { latentRollout } from '../rollout/latent-rollout.js';
import { planRollout } from '../rollout/rollout-plan.js';
import { loadModel } from '../anneal/checkpoint.js';
import { loadRunData, readRunConfig } from '../anneal/config.js';
import { decodeAll, disposeAutoencoder, encodeAll, withVariables } from '../anneal/model.js';
import { InputError } from '../errors.js';
import type { AnnealRun } from './anneal-run.js';
import type { SampleFrames } from './anneal-charts.js';

/**
 * Decode sample frames of a run read by `readAnnealRun` (its folder must hold `model/`).
 * @param run.laws the run's laws; the first map law makes the rollout row (omitted when there is none),
 *   or the alternative `rollout` would fall back to when that law leaves the training range
 * @param run.latents the training latents: the stability check and the 'manifold' hold use them; without
 *   them the other dimensions stay at the training mean of `summary.json` (or the start's own values)
 * @param count frames per row (at most the sequence's length)
 */
export async function sampleFrames(run: Pick<AnnealRun, 'dir' | 'laws' | 'latents' | 'summary'>, count = 8): Promise<SampleFrames> {
  const runDir = run.dir;
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
    const chosen = run.laws?.laws.find((l) => l.role === 'map' && l.subspace.basis[0]?.length === d);
    if (chosen) {
      // As `rollout` does by default, over the steps shown: a law that leaves the training range gives
      // way to a stable alternative, and the other dimensions follow the training latents' manifold.
      const latents = run.latents;
      if (latents && latents.dim !== d) throw new InputError(join(runDir, 'latents.npy'), `has latent size ${latents.dim}, the model has ${d}`);
      const z0 = encodeAll(ae, original.subarray(0, size), 1);
      const mean = run.summary?.latentMean;
      const latentMean = Array.isArray(mean) && mean.length === d ? (mean as number[]) : Array.from(z0);
      const { law, hold } = planRollout(chosen, run.laws!.laws, latents, n - 1, latents ? 'manifold' : 'mean', latentMean);
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
