/**
 * The autoencoder that gets annealed: an encoder (dense, or convolutional for images when the backend
 * can train convolutions) into a latent of size `latent`, and a dense decoder back to the sample. Also
 * the optimizer (our own Adam: its whole state is plain arrays, so a resumed run is bit-identical) and
 * helpers to encode and decode whole frame sets in batches.
 */
import * as tf from '@tensorflow/tfjs';
import { backendTrainsConv } from './backend.js';
import type { KeypointStart } from './keypoint-init.js';
import { attachUnwarp, ChartUnwarp } from './chart-warp.js';
import { FourierFeatures, KeypointChart } from './keypoint-layers.js';

/** Everything needed to rebuild the same network (stored in the run folder). */
export interface ModelSpec {
  /**
   * `dense`, `conv`, or `delay`: one dense encoder shared by the frames stacked in a sample, each frame
   * coded by `latent / frames` coordinates side by side and decoded from its own, so the latent of a
   * sample is (e(x_t), e(x_t+1), …) and the next sample's begins where this one's second frame is.
   */
  arch: 'dense' | 'conv' | 'delay' | 'keypoint' | 'angle';
  /**
   * Frames stacked per sample (`delay`, `keypoint`, `angle`): the last axis of an image sample, or of
   * [D·frames] interleaved.
   */
  frames?: number;
  /**
   * `keypoint` and `angle` (image samples): the starting parameters of each frame's keypoints, m =
   * latent / frames of them for `angle` (one angle each), latent / (2·frames) for `keypoint` (x and y).
   * Each keypoint is the soft-argmax of the frame's pixel intensities; `angle` charts it by its angle
   * about the centre of the circle the untrained keypoints lie on (fixed). The dense decoder reads
   * each frame's code alone, as cosines and sines of its multiples (Fourier features).
   */
  keypoints?: KeypointStart[];
  /**
   * `angle`: harmonics of the trainable warp of each angle, which the physics bends and the decoder
   * undoes (chart-warp.ts); absent in runs made before it existed: no warp.
   */
  chartWarp?: number;
  /** Scale of the warp's coefficients (chart-warp.ts; absent in runs made before it was recorded: 1e-3). */
  chartWarpScale?: number;
  /** Shape of one sample: `[H, W, C]` or `[D]`. */
  inputShape: number[];
  /** Latent size d. */
  latent: number;
  /** Hidden layer widths of the dense encoder (the decoder mirrors them). */
  hidden: number[];
  /** Seed of the weight initialisers. */
  seed: number;
}

/** Encoder and decoder; `variables` are the trainable weights of both, in a fixed order. */
export interface Autoencoder {
  spec: ModelSpec;
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
  variables: tf.Variable[];
}

/**
 * Pick the architecture. `auto` uses convolutions only for images of at least 16×16 on a backend whose
 * convolution-gradient probe passes and which is not the pure-JS `cpu` backend (on `wasm`,
 * Conv2DBackpropFilter is missing; on `cpu`, a dense network trains faster than a convolutional one).
 */
export function chooseArch(inputShape: number[], requested: 'auto' | ModelSpec['arch'] = 'auto'): ModelSpec['arch'] {
  if (requested !== 'auto') return requested;
  const image = inputShape.length === 3 && inputShape[0] >= 16 && inputShape[1] >= 16;
  return image && backendTrainsConv() ? 'conv' : 'dense';
}

/** Build the autoencoder; the same spec gives the same initial weights (seeded initialisers). */
export function buildAutoencoder(spec: ModelSpec): Autoencoder {
  let s = spec.seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const size = spec.inputShape.reduce((a, b) => a * b, 1);
  const dense = (units: number, activation: 'elu' | 'linear', extra: Record<string, unknown> = {}) =>
    tf.layers.dense({ units, activation, kernelInitializer: init(), biasInitializer: 'zeros', ...extra });

  if (spec.arch === 'delay') return buildDelayAutoencoder(spec, dense);
  if (spec.arch === 'keypoint' || spec.arch === 'angle') return buildKeypointAutoencoder(spec, dense);
  const encoder = tf.sequential();
  if (spec.arch === 'conv') {
    encoder.add(tf.layers.conv2d({ inputShape: spec.inputShape, filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu', kernelInitializer: init() }));
    encoder.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu', kernelInitializer: init() }));
    encoder.add(tf.layers.flatten());
  } else if (spec.inputShape.length > 1) {
    encoder.add(tf.layers.flatten({ inputShape: spec.inputShape }));
  } else {
    // Vectors need no flatten (tfjs's Flatten refuses rank-2 input); the first dense layer takes the input.
    encoder.add(tf.layers.inputLayer({ inputShape: spec.inputShape }));
  }
  for (const h of spec.hidden) encoder.add(dense(h, 'elu'));
  encoder.add(dense(spec.latent, 'linear'));

  const decoder = tf.sequential();
  const widths = [...spec.hidden].reverse();
  widths.forEach((h, i) => decoder.add(dense(h, 'elu', i === 0 ? { inputShape: [spec.latent] } : {})));
  decoder.add(dense(size, 'linear', widths.length === 0 ? { inputShape: [spec.latent] } : {}));
  decoder.add(tf.layers.reshape({ targetShape: spec.inputShape }));
  return withVariables(spec, encoder, decoder);
}

type DenseLayer = (units: number, activation: 'elu' | 'linear', extra?: Record<string, unknown>) => tf.layers.Layer;

/**
 * The `delay` autoencoder of {@link ModelSpec}: a sample's frames become rows [frames, F] (channel-last
 * samples interleave them), dense layers act on each row with the same weights, and the rows' codes
 * are laid side by side; the decoder undoes it row by row.
 */
function buildDelayAutoencoder(spec: ModelSpec, dense: DenseLayer): Autoencoder {
  const C = spec.frames ?? 0, size = spec.inputShape.reduce((a, b) => a * b, 1);
  if (C < 2 || spec.latent % C !== 0 || size % C !== 0)
    throw new Error(`a delay encoder needs at least 2 stacked frames and a latent size divisible by them (frames ${C}, latent ${spec.latent})`);
  const F = size / C, m = spec.latent / C;
  const encoder = tf.sequential();
  encoder.add(tf.layers.reshape({ inputShape: spec.inputShape, targetShape: [F, C] }));
  encoder.add(tf.layers.permute({ dims: [2, 1] }));
  for (const h of spec.hidden) encoder.add(dense(h, 'elu'));
  encoder.add(dense(m, 'linear'));
  encoder.add(tf.layers.flatten());
  const decoder = tf.sequential();
  decoder.add(tf.layers.reshape({ inputShape: [spec.latent], targetShape: [C, m] }));
  for (const h of [...spec.hidden].reverse()) decoder.add(dense(h, 'elu'));
  decoder.add(dense(F, 'linear'));
  decoder.add(tf.layers.permute({ dims: [2, 1] }));
  decoder.add(tf.layers.reshape({ targetShape: spec.inputShape }));
  return withVariables(spec, encoder, decoder);
}

/** Harmonics of each code coordinate the keypoint decoders read. */
const DECODER_HARMONICS = 8;

/** The `keypoint` and `angle` autoencoders of {@link ModelSpec}: a keypoint chart in, a per-frame dense decoder out. */
function buildKeypointAutoencoder(spec: ModelSpec, dense: DenseLayer): Autoencoder {
  const starts = spec.keypoints ?? [], C = spec.frames ?? 0, angle = spec.arch === 'angle';
  const m = starts.length, perFrame = m * (angle ? 1 : 2);
  if (spec.inputShape.length !== 3 || spec.inputShape[2] !== C || m === 0 || C * perFrame !== spec.latent)
    throw new Error(`a ${spec.arch} encoder needs image samples [H, W, frames] and latent = frames × ${angle ? '' : '2 × '}keypoints (shape [${spec.inputShape.join(', ')}], latent ${spec.latent}, ${m} keypoints)`);
  const [H, W] = spec.inputShape;
  const encoder = tf.sequential();
  const warpHarmonics = angle ? spec.chartWarp ?? 0 : 0;
  encoder.add(new KeypointChart({ keypoints: m, chart: angle ? 'angle' : 'position', starts, warpHarmonics, warpScale: spec.chartWarpScale, name: 'keypoint_chart', inputShape: spec.inputShape }));
  const decoder = tf.sequential();
  if (warpHarmonics > 0) decoder.add(new ChartUnwarp({ keypoints: m, name: 'chart_unwarp', inputShape: [spec.latent] }));
  decoder.add(tf.layers.reshape({ targetShape: [C, perFrame], ...(warpHarmonics > 0 ? {} : { inputShape: [spec.latent] }) }));
  decoder.add(new FourierFeatures({ harmonics: DECODER_HARMONICS, scale: angle ? 1 : Math.PI / 2 }));
  for (const h of [...spec.hidden].reverse()) decoder.add(dense(h, 'elu'));
  decoder.add(dense(H * W, 'linear'));
  decoder.add(tf.layers.permute({ dims: [2, 1] }));
  decoder.add(tf.layers.reshape({ targetShape: spec.inputShape }));
  return withVariables(spec, encoder, decoder);
}

/** Wrap loaded or built models; variables = encoder's then decoder's trainable weights. */
export function withVariables(spec: ModelSpec, encoder: tf.LayersModel, decoder: tf.LayersModel): Autoencoder {
  attachUnwarp(encoder, decoder);
  const variables = [...encoder.trainableWeights, ...decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  return { spec, encoder, decoder, variables };
}

/** Dispose both models' weights. */
export function disposeAutoencoder(ae: Autoencoder): void {
  ae.encoder.dispose();
  ae.decoder.dispose();
}

/** Encode `n` samples (flat Float32Array) in batches; returns the latents as Float64 (n × d). */
export function encodeAll(ae: Autoencoder, samples: Float32Array, n: number, batch = 256): Float64Array {
  const size = samples.length / Math.max(n, 1);
  const out = new Float64Array(n * ae.spec.latent);
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const z = tf.tidy(() => {
      const x = tf.tensor(samples.subarray(i * size, (i + m) * size), [m, ...ae.spec.inputShape]);
      return (ae.encoder.predict(x) as tf.Tensor).dataSync();
    });
    out.set(z, i * ae.spec.latent);
  }
  return out;
}

/** Decode `n` latents (n × d) in batches; returns flat samples. */
export function decodeAll(ae: Autoencoder, latents: Float64Array, n: number, batch = 256): Float32Array {
  const d = ae.spec.latent, size = ae.spec.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * size);
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const x = tf.tidy(() => (ae.decoder.predict(tf.tensor2d(Float32Array.from(latents.subarray(i * d, (i + m) * d)), [m, d])) as tf.Tensor).dataSync());
    out.set(x, i * size);
  }
  return out;
}

/** The serialisable state of {@link Adam}: step count and both moment estimates, per variable. */
export interface AdamState {
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam (Kingma & Ba). Written out instead of tf.train.adam because tfjs's Adam rebuilds its bias-
 * correction accumulators as β^(t+1) on restore while training multiplies them step by step, which
 * differs in the last float32 bit — a resumed run would then drift from the uninterrupted one. Here the
 * bias corrections are computed from t in float64, so the state is exactly (t, m, v).
 */
export class Adam {
  private t = 0;
  private m: tf.Variable[] = [];
  private v: tf.Variable[] = [];

  constructor(
    private readonly variables: tf.Variable[],
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-7,
  ) {
    // Inside tidy so the zero tensors the variables start from are released (the variables keep the data).
    this.m = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /** Apply one update with gradients keyed by variable name (as returned by tf.variableGrads). */
  step(grads: Record<string, tf.Tensor>): void {
    this.t++;
    const alpha = (this.learningRate * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    tf.tidy(() => {
      this.variables.forEach((x, i) => {
        const g = grads[x.name];
        if (!g) return;
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        x.assign(tf.sub(x, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.eps)), alpha)));
      });
    });
  }

  /** Copy of the state (for checkpoints). */
  getState(): AdamState {
    const copy = (x: tf.Variable): Float32Array => Float32Array.from(x.dataSync() as Float32Array);
    return { t: this.t, m: this.m.map(copy), v: this.v.map(copy) };
  }

  /** Restore a state from {@link Adam.getState}. */
  setState(state: AdamState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length)
      throw new Error(`optimizer state has ${state.m.length} moments, the model has ${this.m.length} variables`);
    this.t = state.t;
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(state.m[i], x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(state.v[i], x.shape)));
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
