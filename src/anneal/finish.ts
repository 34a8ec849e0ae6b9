/**
 * The outputs of a completed run: the model in tfjs format, the final latents as .npy (loadable by
 * `fit`), the laws found on them as JSON (the `fit` schema), the same for the held-out sequences, and a
 * summary with the reconstruction error and the latent mean (used by `rollout`).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeNpy } from '../data/npy.js';
import { writeFileAtomic } from '../io.js';
import type { Dataset, FitResult } from '../types.js';
import { saveModel } from './checkpoint.js';
import { headlineLaw } from './headline.js';
import type { FrameSet } from './datasets.js';
import { decodeAll, type Autoencoder } from './model.js';

/** Figures and laws of a finished run (also written to `summary.json`, laws to their own files). */
export interface FinalReport {
  /** Reconstruction MSE on the training sequences (normalised units). */
  recon: number;
  /** Reconstruction MSE on the held-out sequences, when there are any. */
  heldoutRecon?: number;
  /** Search result on the final training latents (`laws.json`). */
  laws: FitResult;
  /** Search result on the held-out latents (`heldout-laws.json`). */
  heldoutLaws?: FitResult;
  /** Mean latent vector over the training set. */
  latentMean: number[];
  /** Normalisation of the training frames (samples = (raw − offset) / scale). */
  norm: FrameSet['norm'];
  /** Files written, relative to the run folder. */
  files: string[];
}

/** Encode a frame set; latents as a Dataset plus the reconstruction MSE. */
export function encodeSet(ae: Autoencoder, set: FrameSet, source: string): { latents: Dataset; mse: number } {
  const n = set.offsets[set.offsets.length - 1];
  const d = ae.spec.latent;
  const states = new Float64Array(n * d);
  let se = 0;
  const batch = 256;
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const [z, err] = tf.tidy(() => {
      const x = tf.tensor(set.samples.subarray(i * set.sampleSize, (i + m) * set.sampleSize), [m, ...set.sampleShape]);
      const zt = ae.encoder.predict(x) as tf.Tensor;
      const xr = ae.decoder.predict(zt) as tf.Tensor;
      return [zt.dataSync(), tf.sum(tf.squaredDifference(xr, x)).dataSync()[0]] as const;
    });
    states.set(z, i * d);
    se += err;
  }
  return { latents: { dim: d, states, offsets: set.offsets, source }, mse: se / Math.max(1, n * set.sampleSize) };
}

/** Write latents as `(K, T, d)` when all sequences have the same length (what `fit` reads), else `(N, d)`. */
export function latentsNpy(latents: Dataset): Uint8Array {
  const K = latents.offsets.length - 1;
  const T = latents.offsets[1] - latents.offsets[0];
  const equal = latents.offsets.every((o, k) => o === k * T);
  return writeNpy(latents.states, equal ? [K, T, latents.dim] : [latents.offsets[K], latents.dim]);
}

/** Decode a latent trajectory (helper shared with rollout). */
export function decodeLatents(ae: Autoencoder, z: Float64Array): Float32Array {
  return decodeAll(ae, z, z.length / ae.spec.latent);
}

/** Write every output of a completed run into `runDir`. */
export async function finishRun(
  runDir: string,
  ae: Autoencoder,
  train: FrameSet,
  heldout: FrameSet | null,
  search: (latents: Dataset) => Promise<FitResult>,
  d: number,
): Promise<FinalReport> {
  await saveModel(ae.encoder, join(runDir, 'model', 'encoder'));
  await saveModel(ae.decoder, join(runDir, 'model', 'decoder'));
  const files = ['model/encoder/model.json', 'model/decoder/model.json'];
  const tr = encodeSet(ae, train, `${join(runDir, 'latents.npy')} (${train.description})`);
  writeFileAtomic(join(runDir, 'latents.npy'), latentsNpy(tr.latents));
  const laws = await search(tr.latents);
  writeFileAtomic(join(runDir, 'laws.json'), JSON.stringify(laws, null, 2) + '\n');
  files.push('latents.npy', 'laws.json');
  const latentMean = new Array<number>(d).fill(0);
  const N = tr.latents.states.length / d;
  for (let i = 0; i < N; i++) for (let j = 0; j < d; j++) latentMean[j] += tr.latents.states[i * d + j] / N;
  const report: FinalReport = { recon: tr.mse, laws, latentMean, norm: train.norm, files };
  if (heldout) {
    const ho = encodeSet(ae, heldout, `${join(runDir, 'heldout-latents.npy')} (${heldout.description}, held out)`);
    writeFileAtomic(join(runDir, 'heldout-latents.npy'), latentsNpy(ho.latents));
    report.heldoutLaws = await search(ho.latents);
    report.heldoutRecon = ho.mse;
    writeFileAtomic(join(runDir, 'heldout-laws.json'), JSON.stringify(report.heldoutLaws, null, 2) + '\n');
    files.push('heldout-latents.npy', 'heldout-laws.json');
  }
  files.push('summary.json');
  const { laws: _l, heldoutLaws: _h, ...summary } = report;
  writeFileAtomic(join(runDir, 'summary.json'), JSON.stringify({ ...summary, bestLaw: headlineLaw(laws)?.id ?? null, heldoutBestLaw: headlineLaw(report.heldoutLaws)?.id ?? null }, null, 2) + '\n');
  return report;
}
