/**
 * Forecast by the latent law: encode the first sample of a sequence, apply the chosen map law n times in
 * latent space, decode every state, and compare with the true frames when they are known.
 *
 * In latent coordinates, with the law's orthonormal basis B (k×d): u_0 = B z_0, u_{t+1} = C φ(u_t), and
 * z_t = (I − BᵀB) h + Bᵀ u_t, where h is the held vector: the training-set latent mean or z_0
 * itself (`hold: 'initial'`), i.e. the dimensions outside the law's subspace stay at h's projection; or
 * h is refined by decoding and re-encoding z_t (`hold: 'reencode'`); or h follows the training latents
 * nearest to u_t in the law's subspace (`hold: 'manifold'`, the default; see hold.ts).
 *
 * The chosen law is first iterated from the training latents' sequence starts; one that leaves their range
 * is replaced by an alternative that stays in it (see stability.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, OptionError } from '../errors.js';
import { findLawById } from '../laws/ids.js';
import { writeNpy } from '../data/npy.js';
import { writeFileAtomic } from '../io.js';
import type { FitResult, Law } from '../types.js';
import { selectBackend, type BackendPreference } from '../anneal/backend.js';
import { loadModel } from '../anneal/checkpoint.js';
import { readRunConfig, readRunLatents, type DataSpec } from '../anneal/config.js';
import { loadFrames, pendulum, spinning, type FrameSet } from '../anneal/datasets.js';
import { headlineLaw } from '../anneal/headline.js';
import { cleanStarts, NOISY_START_READINGS } from './clean-start.js';
import { latentRollout } from './latent-rollout.js';
import { planRollout } from './rollout-plan.js';
import type { StabilityVerdict } from './stability.js';
import { decodeAll, encodeAll, withVariables } from '../anneal/model.js';

/** Options of {@link rollout}. */
export interface RolloutOptions {
  /** Run folder written by `anneal`. */
  run: string;
  /** Number of law steps n (the forecast has n + 1 states including the encoded start). */
  steps: number;
  /** Law to apply, by id (a reported law or one of its alternatives); default the simplest near-perfect map law, else the best-ranked one. */
  law?: string;
  /** Which laws file to take the law from: `train` (laws.json, default) or `heldout` (heldout-laws.json). */
  lawsFrom?: 'train' | 'heldout';
  /**
   * Use these laws instead of the run's files (e.g. a search of the run's latents with another grammar or
   * a looser tolerance), with `lawsSource` naming them in error messages.
   */
  laws?: Pick<FitResult, 'laws'>;
  lawsSource?: string;
  /** Number of test sequences to forecast and average over (default 8). */
  sequences?: number;
  /**
   * True frames for file-based runs: a .npy/.npz path (default: the run's own frame file). Built-in
   * datasets generate fresh test sequences (seed = data seed + 7919, never used for training).
   */
  frames?: string;
  /**
   * What the dimensions outside the law's subspace hold: the training latents nearest to the current
   * subspace state (`manifold`, default: for
   * dimensions that vary with the state but follow no law of their own, such as the harmonics of a
   * rotation angle; docs/experiments.md#rollout), the training mean (`mean`), the start's
   * values (`initial`), or (`reencode`) what the autoencoder makes of the state: starting from the mean, the
   * state is decoded and re-encoded `reencodeIterations` times, each time keeping the law's subspace
   * coordinates and taking the rest from the re-encoding.
   */
  hold?: RolloutHold;
  /** Decode/re-encode rounds per step for `hold: 'reencode'` (default 3). */
  reencodeIterations?: number;
  /** Write the forecast frames here as .npy, shape [sequences, n + 1, ...sampleShape], in data units. */
  out?: string;
  backend?: BackendPreference;
  /**
   * Before rolling out, iterate the law from the training latents' sequence starts and, when it leaves
   * their range within `steps` steps, roll out the first alternative (then other map law on the same
   * subspace) that stays in range instead (see stability.ts). Default true; false still reports the
   * divergence but rolls out the chosen law.
   */
  fallback?: boolean;
}

/** See {@link RolloutOptions.hold}. */
export type RolloutHold = 'mean' | 'initial' | 'manifold' | 'reencode';

/** What {@link rollout} returns. */
export interface RolloutResult {
  /** The law rolled out (after any fallback). */
  law: { id: string; family: string; summary: string };
  /**
   * Outcome of the stability check (see {@link RolloutOptions.fallback}): `stable`, `fallback` (another law
   * replaced the chosen one), `unstable` (the chosen law leaves the range and is rolled out anyway), or
   * `unchecked` (the run has no training latents).
   */
  stability: StabilityVerdict['stability'] | 'unchecked';
  /** Id of the chosen law when another law replaced it. */
  fallbackFrom?: string;
  /** Steps after which the chosen law left the training range, when it did. */
  divergedAfterSteps?: number;
  /** One line saying which law diverged and which was used instead, when the chosen law diverged. */
  stabilityMessage?: string;
  steps: number;
  sequences: number;
  /** Readings the start was estimated from: 1, or up to 4 for a law fitted through measurement noise (see clean-start.ts). */
  startReadings: number;
  /** Shape of `predicted`: [sequences, steps + 1, ...sampleShape]. */
  shape: number[];
  /** Forecast frames in data units. */
  predicted: Float32Array;
  /** Frame MSE per step, averaged over sequences (data units); absent when no true frames are known. */
  mse?: number[];
  /** Mean of `mse` over steps 1..n. */
  meanMse?: number;
  /** The same for the trivial forecast "nothing moves" (the first true frame repeated), for scale. */
  persistenceMse?: number;
  /** Reconstruction-only MSE: encode and decode the true frames (the floor any forecast can reach). */
  reconMse?: number;
}

/** Fresh test sequences of at least `minSamples` samples each. */
function testFrames(spec: DataSpec, nSeq: number, minSamples: number, override?: string): FrameSet {
  if (spec.kind === 'file' || override) {
    const path = override ?? (spec as { path: string }).path;
    return loadFrames(path, spec.kind === 'file' ? spec.stack : spec.kind === 'pendulum' ? 2 : 1);
  }
  const stack = spec.kind === 'pendulum' ? 2 : 1;
  const gen = spec.kind === 'spinning' ? spinning : pendulum;
  return gen({ sequences: nSeq, frames: minSamples + stack - 1, seed: spec.seed + 7919, size: spec.size });
}

function pickLaw(laws: Pick<FitResult, 'laws'>, id: string | undefined, where: string): Law {
  // By default the map the run reports: the simplest near-perfect one (a library map that refines a
  // rotation by small terms ranks first on a short run, and can leave the data when iterated).
  const law = id === undefined ? headlineLaw({ laws: laws.laws.filter((l) => l.role === 'map') }) : findLawById(laws.laws, id);
  if (!law) throw new InputError(where, id === undefined ? 'holds no map law to roll out' : `has no law '${id}'`);
  if (law.model.role !== 'map') throw new InputError(where, `law '${law.id}' is an invariant; rollout needs a map law`);
  return law;
}

/** Roll a run's law forward from the first frames of test sequences (see the module comment). */
export async function rollout(opts: RolloutOptions): Promise<RolloutResult> {
  const cfg = readRunConfig(opts.run);
  const lawsPath = opts.laws ? (opts.lawsSource ?? 'the given laws') : join(opts.run, opts.lawsFrom === 'heldout' ? 'heldout-laws.json' : 'laws.json');
  if (!opts.laws && !existsSync(lawsPath)) throw new InputError(opts.run, `has no ${lawsPath.split('/').pop()} (the run has not finished)`);
  const lawsDoc = opts.laws ?? (JSON.parse(readFileSync(lawsPath, 'utf8')) as FitResult);
  const chosen = pickLaw(lawsDoc, opts.law, lawsPath);
  const summary = JSON.parse(readFileSync(join(opts.run, 'summary.json'), 'utf8')) as { latentMean: number[]; norm: FrameSet['norm'] };
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new OptionError('steps', `must be a positive integer, got ${opts.steps}`);

  const lawDim = chosen.subspace.basis[0]?.length;
  if (lawDim !== cfg.model.latent) throw new InputError(lawsPath, `law '${chosen.id}' is stated in ${lawDim} dimensions; the run's latent size is ${cfg.model.latent}`);
  const latents = readRunLatents(opts.run, cfg.model.latent);
  const hold = opts.hold ?? 'manifold';
  if (hold === 'manifold' && !latents) throw new InputError(opts.run, "has no latents.npy (needed by hold 'manifold'; the run has not finished)");
  // 'reencode' starts from the mean and refines it below.
  const { law, verdict, hold: held } = planRollout(chosen, lawsDoc.laws, latents, opts.steps, hold === 'reencode' ? 'mean' : hold, summary.latentMean, { fallback: opts.fallback });
  await selectBackend(opts.backend ?? cfg.backend, cfg.model.arch === 'conv' ? 'conv' : 'dense');
  const ae = withVariables(cfg.model, await loadModel(join(opts.run, 'model', 'encoder')), await loadModel(join(opts.run, 'model', 'decoder')));
  try {
    const n = opts.steps, d = cfg.model.latent;
    const truth = testFrames(cfg.data, opts.sequences ?? 8, n + 1, opts.frames);
    // The model expects the training data's normalisation; another file was standardised by its own.
    const tn = truth.norm, rn = summary.norm;
    if (tn.offset !== rn.offset || tn.scale !== rn.scale) {
      for (let i = 0; i < truth.samples.length; i++) truth.samples[i] = (truth.samples[i] * tn.scale + tn.offset - rn.offset) / rn.scale;
      truth.norm = rn;
    }
    const K = Math.min(opts.sequences ?? 8, truth.offsets.length - 1);
    const size = truth.sampleSize;
    if (truth.sampleShape.join() !== cfg.model.inputShape.join())
      throw new InputError(opts.frames ?? opts.run, `samples have shape [${truth.sampleShape}], the model expects [${cfg.model.inputShape}]`);
    // A law fitted through measurement noise starts from the clean state its first readings pin down.
    const shortest = Math.min(...truth.offsets.slice(1, K + 1).map((o, k) => o - truth.offsets[k]));
    const m = law.metrics.noise ? Math.min(NOISY_START_READINGS, shortest) : 1;
    const starts = new Float32Array(K * m * size);
    for (let k = 0; k < K; k++) starts.set(truth.samples.subarray(truth.offsets[k] * size, (truth.offsets[k] + m) * size), k * m * size);
    const z0 = cleanStarts(law, encodeAll(ae, starts, K * m), K, m, d);

    const B = law.subspace.basis;
    const Z = latentRollout(law, z0, K, d, n, held);
    if (hold === 'reencode') reencodeOffSubspace(ae, Z, B, opts.reencodeIterations ?? 3);
    const predicted = decodeAll(ae, Z, K * (n + 1));
    const { offset, scale } = truth.norm;
    for (let i = 0; i < predicted.length; i++) predicted[i] = predicted[i] * scale + offset;
    const result: RolloutResult = {
      law: { id: law.id, family: law.family, summary: law.summary },
      stability: verdict?.stability ?? 'unchecked',
      ...(verdict?.fallbackFrom !== undefined ? { fallbackFrom: verdict.fallbackFrom } : {}),
      ...(verdict?.divergedAfterSteps !== undefined ? { divergedAfterSteps: verdict.divergedAfterSteps } : {}),
      ...(verdict?.message !== undefined ? { stabilityMessage: verdict.message } : {}),
      steps: n, sequences: K, startReadings: m, shape: [K, n + 1, ...cfg.model.inputShape], predicted,
    };
    // Compare with the truth where the test sequences are long enough.
    if (shortest >= 2) Object.assign(result, compareWithTruth(ae, truth, predicted, K, n, shortest));
    if (opts.out) writeFileAtomic(opts.out, writeNpy(predicted, result.shape));
    return result;
  } finally {
    ae.encoder.dispose();
    ae.decoder.dispose();
  }
}

/**
 * Frame MSE of the forecast per step against the true frames (data units), the "nothing moves"
 * baseline, and the reconstruction floor; over the first `shortest − 1` steps every sequence has.
 */
function compareWithTruth(ae: ReturnType<typeof withVariables>, truth: FrameSet, predicted: Float32Array, K: number, n: number, shortest: number): Pick<RolloutResult, 'mse' | 'meanMse' | 'persistenceMse' | 'reconMse'> {
  const size = truth.sampleSize;
  const { offset, scale } = truth.norm;
  const m = Math.min(n, shortest - 1);
  const mse = new Array<number>(m + 1).fill(0);
  let pers = 0;
  const raw = (i: number): number => truth.samples[i] * scale + offset;
  for (let s = 0; s < K; s++)
    for (let t = 0; t <= m; t++) {
      const ti = (truth.offsets[s] + t) * size, pi = (s * (n + 1) + t) * size, fi = truth.offsets[s] * size;
      let e = 0, p = 0;
      for (let j = 0; j < size; j++) {
        e += (predicted[pi + j] - raw(ti + j)) ** 2;
        p += (raw(fi + j) - raw(ti + j)) ** 2;
      }
      mse[t] += Number.isFinite(e) ? e / size / K : Infinity; // a diverging law gives NaN frames
      if (t > 0) pers += p / size / K / m;
    }
  const all = truth.samples.subarray(0, truth.offsets[K] * size);
  const xr = decodeAll(ae, encodeAll(ae, all, truth.offsets[K]), truth.offsets[K]);
  let r = 0;
  for (let i = 0; i < xr.length; i++) r += ((xr[i] - all[i]) * scale) ** 2;
  return { mse, meanMse: mse.slice(1).reduce((a, b) => a + b, 0) / m, persistenceMse: pers, reconMse: r / xr.length };
}

/**
 * Replace the off-subspace part of every state by that of its decoded-and-re-encoded self, keeping the
 * subspace coordinates (the law's prediction): z ← (I − BᵀB)·E(D(z)) + BᵀB·z, `iterations` times.
 */
function reencodeOffSubspace(ae: ReturnType<typeof withVariables>, Z: Float64Array, B: number[][], iterations: number): void {
  const d = ae.spec.latent, N = Z.length / d;
  for (let it = 0; it < iterations; it++) {
    const re = encodeAll(ae, decodeAll(ae, Z, N), N);
    for (let i = 0; i < N; i++) {
      const z = Z.subarray(i * d, i * d + d), r = re.subarray(i * d, i * d + d);
      // z_new = r − BᵀB r + BᵀB z = r + Bᵀ B (z − r).
      const diff = Array.from(z, (v, c) => v - r[c]);
      for (let c = 0; c < d; c++) {
        let v = r[c];
        for (let a = 0; a < B.length; a++) {
          let proj = 0;
          for (let e = 0; e < d; e++) proj += B[a][e] * diff[e];
          v += B[a][c] * proj;
        }
        z[c] = v;
      }
    }
  }
}
