/**
 * The annealing loop. Loss per step = reconstruction MSE + λ(t) · sum(stopGradient(G) ⊙ z), where G is the
 * bridge's gradient of the physics loss at the batch's current latents (so autodiff carries exactly
 * λ·∂L/∂z into the encoder). The laws come from the last search and are frozen until the next one: every
 * `searchEvery` steps the whole training set is re-encoded and `search` re-run. The bridge takes the
 * law closest to perfect first, then the search's ranking.
 *
 * Reproducibility: every random choice is seeded (initialisers, batch order via our own Rng), the
 * optimizer state is exact, and the search happens at fixed step boundaries, so a run resumed from a
 * checkpoint produces the same weights, laws and log as the uninterrupted run.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import type { Dataset, FitResult, Law } from '../types.js';
import { selectBackend, type BackendChoice } from './backend.js';
import { BRIDGE_DEFAULTS, bridge, computeWeights } from './bridge.js';
import { hasCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { adaptTolerance, lambdaAt, loadRunData, readRunConfig, writeRunConfig, type RunConfig } from './config.js';
import type { FrameSet } from './datasets.js';
import type { KeypointStart } from './keypoint-init.js';
import { Adam, buildAutoencoder, disposeAutoencoder, encodeAll, withVariables, type Autoencoder, type ModelSpec } from './model.js';
import { finishRun, type FinalReport } from './finish.js';
import { closestToPerfect, headlineLaw } from './headline.js';
import { Rng } from '../random.js';

/** Per-epoch figures (the log line, and one `epoch` record of `log.jsonl`). */
export interface EpochLog {
  epoch: number;
  /** Steps done so far. */
  step: number;
  /** Mean reconstruction MSE over the epoch's batches (normalised units). */
  recon: number;
  /** Mean physics loss L over the epoch's batches (computed even when λ = 0, for comparison). */
  physics: number;
  lambda: number;
  /** Mean over the epoch's batches of the weight the physics surrogate actually had: λ, or less where the schedule's physicsCap applied (0 where no law pulled). */
  effectiveLambda: number;
  relTolerance: number;
  /** Rank-1 law of the latest search, with its inlier fraction as the search measured it. */
  bestLaw: { id: string; family: string; inlierFraction: number; relativeError: number; summary: string } | null;
  /** Laws with non-zero bridge weight in the epoch's last batch. */
  activeLaws: number;
  /** Wall time of the epoch: training steps (bridge included), bridge alone, searches. */
  ms: { train: number; bridge: number; search: number };
}

/**
 * What the trainer tells the search about the moment it runs. A search that ignores it works; the engine's
 * `fit` should use `searchTolerance` as its `maxRelativeTolerance` during training (`final: false`), so
 * that roughly-right laws keep being proposed, and its own defaults for the final laws (`final: true`),
 * which are what the run reports.
 */
export interface SearchHints {
  /** Steps done when the search runs. */
  step: number;
  /** The bridge's current relative inlier tolerance (it measures laws with it). */
  relTolerance: number;
  /**
   * The relative tolerance the search should use as its cap (the engine's `maxRelativeTolerance`):
   * the schedule's `searchTolerance`, loose, so that candidate laws keep being reported.
   */
  searchTolerance: number;
  /** True for the searches on the final training and held-out latents. */
  final: boolean;
  /**
   * Whether training searches should propose library laws too: true for an angle chart, whose
   * coordinates are physical angles where sin/cos laws mean something (a pendulum's); a dense
   * encoder's latents keep to the simple families (see trainingSearchOptions).
   */
  libraryFamilies: boolean;
}

/** The law search the trainer calls (e.g. the engine's `fit` wrapped with the run's grammar and seed). */
export type SearchFn = (latents: Dataset, hints: SearchHints) => Promise<FitResult>;

/** The trainer's state as stored in a checkpoint. */
interface TrainerState {
  step: number;
  rngState: number;
  /** Batch order of the current epoch. */
  perm: number[];
  laws: FitResult | null;
  lawsStep: number;
  /** Current relative inlier tolerance of the bridge (adapted after each search, see Schedule). */
  relTol: number;
  /** Sums over the current epoch (`push` is absent in checkpoints written before the physics cap). */
  acc: { recon: number; physics: number; push?: number; n: number; active: number; train: number; bridge: number; search: number };
  totals: { train: number; bridge: number; search: number };
}

/** What {@link train} needs; {@link anneal} in index.ts builds it from user options. */
export interface TrainContext {
  runDir: string;
  config: RunConfig;
  resume: boolean;
  search: SearchFn;
  signal?: AbortSignal;
  onEpoch?: (e: EpochLog) => void;
  onStep?: (step: number, total: number) => void;
  onMessage?: (line: string) => void;
}

/** Result of a training run. */
export interface TrainResult {
  runDir: string;
  backend: BackendChoice;
  arch: ModelSpec['arch'];
  step: number;
  totalSteps: number;
  /** True when stopped by the signal: a checkpoint was written; `resume` continues. */
  interrupted: boolean;
  /** Outputs of a completed run (absent when interrupted). */
  final?: FinalReport;
  /** Total wall time in training steps, in the bridge (part of training) and in searches. */
  ms: { train: number; bridge: number; search: number };
}

/** Latents of a frame set as a {@link Dataset} for the search (one trajectory per sequence). */
export function latentDataset(ae: Autoencoder, set: FrameSet, source: string): Dataset {
  const n = set.offsets[set.offsets.length - 1];
  return { dim: ae.spec.latent, states: encodeAll(ae, set.samples, n), offsets: set.offsets, source };
}

const bestOf = (laws: FitResult | null): EpochLog['bestLaw'] => {
  const l: Law | undefined = headlineLaw(laws);
  return l ? { id: l.id, family: l.family, inlierFraction: l.metrics.inlierFraction, relativeError: l.metrics.relativeError, summary: l.summary } : null;
};

/**
 * The laws in the order the bridge takes them (it uses the first `maxLaws`): the law closest to
 * perfect first, then the search's ranking. Neither the ranking's first law (on the spinning video a
 * rotation by 3π/8 of a harmonic plane outranked the π/8 rotation) nor the headline (the fewest bits,
 * at a training search's loose tolerance a plane of two latent coordinates near the rotation's) need be
 * the physics (docs/experiments.md#which-law-pulls).
 */
function pulledFirst(laws: FitResult | null): Law[] {
  const all = laws?.laws ?? [];
  const h = closestToPerfect(laws);
  return h ? [h, ...all.filter((l) => l !== h)] : all;
}

/** Keep only log records up to `step` (records after a checkpoint belong to lost steps). */
function truncateLog(path: string, step: number): void {
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8').split('\n').filter((line) => {
    if (!line.trim()) return false;
    try {
      return (JSON.parse(line) as { step?: number }).step! <= step;
    } catch {
      return false; // a torn last line from a crash
    }
  });
  writeFileAtomic(path, kept.map((l) => l + '\n').join(''));
}

/** One line on where a keypoint encoder starts: each keypoint's features, and an angle chart's pivot and cut. */
function describeKeypoints(arch: string, starts: KeypointStart[]): string {
  const f = (x: number) => (Math.abs(x) < 5e-4 ? 0 : x).toFixed(3);
  const each = starts.map((s, k) => `keypoint ${k + 1}: ${s.gain > 0 ? 'bright' : 'dark'} features${arch === 'angle' ? `, angle about (${f(s.pivot[0])}, ${f(s.pivot[1])}) cut at ${((s.cut * 180) / Math.PI).toFixed(1)}°` : ''}`);
  return `${arch} encoder from the training frames (image coordinates in [−1, 1]): ${each.join('; ')}`;
}

/** Run (or resume) the annealing loop described by `ctx.config` in `ctx.runDir`. */
export async function train(ctx: TrainContext): Promise<TrainResult> {
  const { runDir, config: cfg } = ctx;
  const say = ctx.onMessage ?? (() => {});
  const logPath = join(runDir, 'log.jsonl');
  const log = (rec: object): void => appendFileSync(logPath, JSON.stringify(rec) + '\n');
  mkdirSync(runDir, { recursive: true });

  const backend = await selectBackend(cfg.backend, cfg.model.arch === 'conv' ? 'conv' : 'dense');
  say(`backend ${backend.name} (${backend.reason})`);
  if (cfg.model.keypoints) say(describeKeypoints(cfg.model.arch, cfg.model.keypoints));
  const { train: data, heldout } = loadRunData(cfg.data, cfg.heldout);
  const K = data.offsets.length - 1;
  const B = Math.min(cfg.batchSequences, K);
  const stepsPerEpoch = Math.ceil(K / B);
  const total = cfg.epochs * stepsPerEpoch;
  const d = cfg.model.latent;

  const { ae, adam, st } = await openRun(ctx, backend, total, logPath, log, say);
  const rng = new Rng(0);
  rng.setState(st.rngState);
  const checkpoint = async (): Promise<void> => {
    st.rngState = rng.state;
    await writeCheckpoint(runDir, { encoder: ae.encoder, decoder: ae.decoder, adam: adam.getState(), state: st });
    log({ type: 'checkpoint', step: st.step });
  };

  try {
    while (st.step < total) {
      if (ctx.signal?.aborted) {
        await checkpoint();
        say(`interrupted at step ${st.step}; checkpoint written, resume continues`);
        return { runDir, backend, arch: cfg.model.arch, step: st.step, totalSteps: total, interrupted: true, ms: { ...st.totals } };
      }
      if (st.step % cfg.searchEvery === 0 && st.lawsStep !== st.step) log(await searchLaws(ctx, st, latentDataset(ae, data, `anneal step ${st.step}`), stepsPerEpoch));
      const pos = st.step % stepsPerEpoch;
      if (pos === 0) st.perm = rng.permutation(K);
      const seqs = st.perm.slice(pos * B, (pos + 1) * B);
      const lambda = lambdaAt(cfg.schedule, st.step / stepsPerEpoch), relTolerance = st.relTol;
      const r = trainStep(ae, adam, data, seqs, pulledFirst(st.laws), lambda, { ...cfg.bridge, relTolerance }, cfg.schedule.physicsCap);
      addStep(st, r);
      st.step++;
      ctx.onStep?.(st.step, total);
      if (st.step % stepsPerEpoch === 0) {
        const e: EpochLog = {
          epoch: st.step / stepsPerEpoch, step: st.step, recon: st.acc.recon / st.acc.n, physics: st.acc.physics / st.acc.n,
          lambda, effectiveLambda: (st.acc.push ?? 0) / st.acc.n, relTolerance, bestLaw: bestOf(st.laws), activeLaws: st.acc.active,
          ms: { train: st.acc.train, bridge: st.acc.bridge, search: st.acc.search },
        };
        log({ type: 'epoch', ...e });
        ctx.onEpoch?.(e);
        st.acc = freshEpochSums();
      }
      if (st.step % cfg.checkpointEvery === 0 || st.step === total) await checkpoint();
    }
    const final = await finishRun(runDir, ae, data, heldout, (z) => ctx.search(z, { step: st.step, relTolerance: st.relTol, searchTolerance: cfg.schedule.searchTolerance, final: true, libraryFamilies: cfg.trainingLibraryFamilies ?? false }), d);
    log({ type: 'end', step: st.step, final: { ...final, laws: undefined, heldoutLaws: undefined }, ms: st.totals });
    return { runDir, backend, arch: cfg.model.arch, step: st.step, totalSteps: total, interrupted: false, final, ms: { ...st.totals } };
  } finally {
    adam.dispose();
    disposeAutoencoder(ae);
  }
}

/** The model, optimizer and trainer state: from the checkpoint when resuming, fresh otherwise (a new log). */
async function openRun(ctx: TrainContext, backend: BackendChoice, total: number, logPath: string, log: (rec: object) => void, say: (line: string) => void): Promise<{ ae: Autoencoder; adam: Adam; st: TrainerState }> {
  const { runDir, config: cfg } = ctx;
  if (ctx.resume && hasCheckpoint(runDir)) {
    const ck = await readCheckpoint<TrainerState>(runDir);
    const ae = withVariables(cfg.model, ck.encoder, ck.decoder);
    const adam = new Adam(ae.variables, cfg.learningRate);
    adam.setState(ck.adam);
    truncateLog(logPath, ck.state.step);
    log({ type: 'resume', step: ck.state.step, backend: backend.name });
    say(`resumed at step ${ck.state.step} of ${total}`);
    return { ae, adam, st: ck.state };
  }
  if (ctx.resume) throw new InputError(runDir, 'has no checkpoint to resume from');
  const ae = buildAutoencoder(cfg.model);
  const adam = new Adam(ae.variables, cfg.learningRate);
  const st: TrainerState = {
    step: 0, rngState: new Rng(cfg.seed ^ 0x7a11).state, perm: [], laws: null, lawsStep: -1, relTol: cfg.schedule.tolStart,
    acc: freshEpochSums(),
    totals: { train: 0, bridge: 0, search: 0 },
  };
  writeFileAtomic(logPath, '');
  log({ type: 'start', step: 0, backend: backend.name, reason: backend.reason, config: cfg, totalSteps: total });
  return { ae, adam, st };
}

/**
 * The search at this step: laws on the whole training set's latents, kept until the next search; past
 * the warm-up the bridge's tolerance follows the best law's inlier share (see Schedule), measured on the
 * whole training set, not one batch. Returns the log record.
 */
async function searchLaws(ctx: TrainContext, st: TrainerState, latents: Dataset, stepsPerEpoch: number): Promise<Record<string, unknown>> {
  const cfg = ctx.config;
  const t0 = performance.now();
  st.laws = await ctx.search(latents, { step: st.step, relTolerance: st.relTol, searchTolerance: cfg.schedule.searchTolerance, final: false, libraryFamilies: cfg.trainingLibraryFamilies ?? false });
  st.lawsStep = st.step;
  const ms = performance.now() - t0;
  st.acc.search += ms;
  st.totals.search += ms;
  const rec: Record<string, unknown> = { type: 'search', step: st.step, ms, best: bestOf(st.laws), laws: st.laws.laws.length };
  if (st.step / stepsPerEpoch >= cfg.schedule.warmupEpochs) {
    const ws = computeWeights(latents, pulledFirst(st.laws), { ...cfg.bridge, relTolerance: st.relTol });
    const bestQ = Math.max(0, ...ws.map((w) => w.inlierFraction));
    st.relTol = adaptTolerance(cfg.schedule, st.relTol, bestQ, cfg.bridge.qMin ?? BRIDGE_DEFAULTS.qMin);
    // What the bridge measured and pulls: a log shows which law the latents were annealed toward.
    Object.assign(rec, { bridgeBestQ: bestQ, relTolerance: st.relTol, pulled: ws.map((w) => ({ id: w.id, q: w.inlierFraction })) });
  }
  return rec;
}

/** Add one training step's figures to the epoch's sums and the run's totals. */
function addStep(st: TrainerState, r: { recon: number; physics: number; push: number; active: number; ms: number; bridgeMs: number }): void {
  st.acc.recon += r.recon;
  st.acc.physics += r.physics;
  st.acc.push = (st.acc.push ?? 0) + r.push;
  st.acc.n++;
  st.acc.active = r.active;
  st.acc.train += r.ms;
  st.acc.bridge += r.bridgeMs;
  st.totals.train += r.ms;
  st.totals.bridge += r.bridgeMs;
}

/**
 * One optimisation step on the sequences `seqs`. The bridge runs inside the gradient tape on the batch's
 * own latents (read out once), so G is evaluated exactly where the surrogate is applied; with a physics
 * cap, the surrogate's weight is lowered from λ so that its push on the latents stays within the cap times
 * the reconstruction's.
 */
function trainStep(
  ae: Autoencoder,
  adam: Adam,
  data: FrameSet,
  seqs: number[],
  laws: Law[],
  lambda: number,
  bridgeOpts: Parameters<typeof bridge>[2],
  physicsCap: number | null | undefined,
): { recon: number; physics: number; active: number; push: number; ms: number; bridgeMs: number } {
  const t0 = performance.now();
  const size = data.sampleSize;
  let n = 0;
  for (const k of seqs) n += data.offsets[k + 1] - data.offsets[k];
  const x = new Float32Array(n * size);
  const offsets = [0];
  for (const k of seqs) {
    const lo = data.offsets[k], hi = data.offsets[k + 1];
    x.set(data.samples.subarray(lo * size, hi * size), offsets[offsets.length - 1] * size);
    offsets.push(offsets[offsets.length - 1] + hi - lo);
  }
  let recon = 0, physics = 0, active = 0, bridgeMs = 0, push = 0;
  tf.tidy(() => {
    const xt = tf.tensor(x, [n, ...data.sampleShape]);
    const reconLoss = (z: tf.Tensor): tf.Scalar => tf.mean(tf.squaredDifference(ae.decoder.apply(z, { training: true }) as tf.Tensor, xt)) as tf.Scalar;
    const { grads } = tf.variableGrads(() => {
      const z = ae.encoder.apply(xt, { training: true }) as tf.Tensor2D;
      const rl = reconLoss(z);
      recon = rl.dataSync()[0];
      if (laws.length === 0) return rl;
      const zValues = z.dataSync();
      const b0 = performance.now();
      const res = bridge({ dim: z.shape[1], states: Float64Array.from(zValues), offsets, source: 'batch' }, laws, bridgeOpts);
      bridgeMs = performance.now() - b0;
      physics = res.loss;
      active = res.laws.filter((l) => l.weight > 0).length;
      if (lambda === 0 || res.loss === 0) return rl;
      // G is a constant here: the tape never sees how it was computed (stopGradient by construction).
      const G = tf.tensor2d(Float32Array.from(res.gradient), z.shape);
      push = lambda;
      if (physicsCap !== undefined && physicsCap !== null) {
        // The reconstruction's pull on the latents, taken at a constant copy of them: nothing of it
        // reaches the weights' gradients, it only sets the surrogate's weight.
        const gz = tf.grad(reconLoss)(tf.tensor2d(zValues, z.shape));
        const limit = physicsCap * tf.norm(gz).dataSync()[0], pull = lambda * tf.norm(G).dataSync()[0];
        if (pull > limit) push = lambda * (limit / pull);
      }
      return tf.add(rl, tf.mul(push, tf.sum(tf.mul(G, z)))) as tf.Scalar;
    }, ae.variables);
    adam.step(grads);
  });
  return { recon, physics, active, push, ms: performance.now() - t0, bridgeMs };
}

/** Create the run folder's configuration, or read it back for `resume` (optionally extending epochs). */
export function prepareRun(runDir: string, fresh: RunConfig | null, epochs?: number): RunConfig {
  if (fresh === null) {
    const cfg = readRunConfig(runDir);
    if (epochs !== undefined && epochs !== cfg.epochs) {
      if (epochs < cfg.epochs) throw new InputError(runDir, `run was configured for ${cfg.epochs} epochs; resume cannot shorten it to ${epochs}`);
      cfg.epochs = epochs;
      writeRunConfig(runDir, cfg);
    }
    return cfg;
  }
  if (existsSync(join(runDir, 'run.json'))) throw new InputError(runDir, 'already holds a run; resume it or choose another output folder');
  mkdirSync(runDir, { recursive: true });
  writeRunConfig(runDir, fresh);
  return fresh;
}

/** Zeroed epoch sums. */
function freshEpochSums(): { recon: number; physics: number; push: number; n: number; active: number; train: number; bridge: number; search: number } {
  return { recon: 0, physics: 0, push: 0, n: 0, active: 0, train: 0, bridge: 0, search: 0 };
}
