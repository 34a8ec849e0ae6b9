/**
 * TensorFlow.js layers of the keypoint encoders: a spatial soft-argmax that turns each stacked frame
 * into the expected image position of its brightest (or darkest) features, optionally charted as the
 * angle about a pivot; and the decoder's Fourier features of those codes. Built from element-wise ops,
 * reductions and a matrix product, so they train on every backend (the wasm backend trains no
 * convolutions). Registered for serialisation, so saved encoders load again.
 */
import * as tf from '@tensorflow/tfjs';
import { LEGACY_WARP_SCALE, warpTerm, type WarpSource } from './chart-warp.js';
import { gridCoordinate, type KeypointStart } from './keypoint-init.js';

/** Constructor arguments (and saved config) of {@link KeypointChart}. */
export interface KeypointChartArgs {
  /** Keypoints per frame. */
  keypoints: number;
  /** `position`: (x, y) per keypoint; `angle`: its angle about a pivot. */
  chart: 'position' | 'angle';
  /** Initial parameters per keypoint (overwritten when saved weights are loaded). */
  starts: KeypointStart[];
  /** `angle`: harmonics of the trainable warp of each angle (chart-warp.ts); 0 or absent: none. */
  warpHarmonics?: number;
  /** Scale of the warp's coefficients (absent in charts saved before it was recorded: LEGACY_WARP_SCALE). */
  warpScale?: number;
  name?: string;
  /** One sample's shape [H, W, C], when this is a model's first layer. */
  inputShape?: number[];
  batchInputShape?: (number | null)[];
}

/**
 * Input [batch, H, W, C] (C stacked frames), output [batch, C·m] angles or [batch, C·2m] positions (frame
 * after frame, so a sample's latent is (e(x_t), e(x_t+1), …)). Angles lie in (−π, π), cut at the
 * direction `cut` about `pivot`; both stay at their starting values, only the gains' sizes and the
 * angles' warp train.
 */
export class KeypointChart extends tf.layers.Layer implements WarpSource {
  static className = 'LatentLawsKeypointChart';
  private readonly args: KeypointChartArgs;
  private logGain: tf.LayerVariable | null = null;
  private pivot: tf.LayerVariable | null = null;
  private cut: tf.LayerVariable | null = null;
  private warp: tf.LayerVariable | null = null;
  /** Built once, not per batch: pixel centres [HW, 2], gain signs [1, 1, m, 1], 1 where a keypoint is bright. */
  private constants: { grid: tf.Tensor2D; sign: tf.Tensor; bright: tf.Tensor } | null = null;

  constructor(args: KeypointChartArgs) {
    super({ name: args.name, inputShape: args.inputShape, batchInputShape: args.batchInputShape });
    if (args.starts.length !== args.keypoints) throw new Error(`keypoint chart: ${args.starts.length} starts for ${args.keypoints} keypoints`);
    this.args = args;
  }

  get warpHarmonics(): number {
    return this.args.chart === 'angle' ? this.args.warpHarmonics ?? 0 : 0;
  }

  get warpScale(): number {
    return this.args.warpScale ?? LEGACY_WARP_SCALE;
  }

  warpCoefficients(): tf.Tensor | null {
    return this.warp ? this.warp.read() : null;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [H, W] = [shape[1] as number, shape[2] as number];
    const grid = new Float32Array(H * W * 2);
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) {
        grid[2 * (r * W + c)] = gridCoordinate(c, W);
        grid[2 * (r * W + c) + 1] = gridCoordinate(r, H);
      }
    const m = this.args.keypoints, starts = this.args.starts;
    const sign = starts.map((s) => (s.gain < 0 ? -1 : 1));
    // Kept outside any tidy; dispose() releases them.
    this.constants = {
      grid: tf.tensor2d(grid, [H * W, 2]),
      sign: tf.tensor4d(sign, [1, 1, m, 1]),
      bright: tf.tensor4d(sign.map((v) => (v > 0 ? 1 : 0)), [1, 1, m, 1]),
    };
    // The gain trains as log |gain| (its sign fixed): Adam's steps are about the learning rate in size,
    // which would flip a gain of 0.3 (standardised frames) within a few hundred steps.
    this.logGain = this.addWeight('log_gain', [m], 'float32', tf.initializers.zeros());
    this.logGain.write(tf.tensor1d(starts.map((s) => Math.log(Math.abs(s.gain)))));
    if (this.args.chart === 'angle') {
      // Fixed at the data's estimate: trained by reconstruction, the pivot drifts toward the keypoint's
      // path, which spreads the angles but bends the chart (docs/experiments.md#the-angle-encoder).
      this.pivot = this.addWeight('pivot', [m, 2], 'float32', tf.initializers.zeros(), undefined, false);
      this.pivot.write(tf.tensor2d(starts.map((s) => s.pivot), [m, 2]));
      this.cut = this.addWeight('cut', [m], 'float32', tf.initializers.zeros(), undefined, false);
      this.cut.write(tf.tensor1d(starts.map((s) => s.cut)));
      if (this.warpHarmonics > 0) this.warp = this.addWeight('warp', [2 * this.warpHarmonics, m], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const perKeypoint = this.args.chart === 'angle' ? 1 : 2;
    return [shape[0], (shape[3] as number) * this.args.keypoints * perKeypoint];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [H, W, C] = x.shape.slice(1) as number[];
      const m = this.args.keypoints, pixels = H * W;
      const rows = tf.transpose(tf.reshape(x, [-1, pixels, C]), [0, 2, 1]); // [B, C, HW]
      const { grid, sign, bright } = this.constants!;
      const gain = tf.mul(tf.reshape(tf.exp(this.logGain!.read()), [1, 1, m, 1]), sign);
      const logits = tf.mul(tf.expandDims(rows, 2), gain);
      // softArgmax's weights (keypoint-init.ts): the softmax less its background floor. The extreme
      // logits are the gain times the frame's extreme pixels, reduced from the data once per frame
      // (not through the gradient) instead of from every keypoint's logits.
      const [brightest, darkest] = [tf.expandDims(tf.max(rows, -1, true), 2), tf.expandDims(tf.min(rows, -1, true), 2)];
      const top = tf.mul(gain, tf.add(tf.mul(bright, brightest), tf.mul(tf.sub(1, bright), darkest)));
      const low = tf.mul(gain, tf.add(tf.mul(bright, darkest), tf.mul(tf.sub(1, bright), brightest)));
      const raw = tf.sub(tf.exp(tf.sub(logits, top)), tf.exp(tf.sub(low, top)));
      const weights = tf.reshape(tf.div(raw, tf.add(tf.sum(raw, -1, true), 1e-30)), [-1, pixels]);
      const xy = tf.reshape(tf.matMul(weights, grid), [-1, C, m, 2]);
      if (this.args.chart === 'position') return tf.reshape(xy, [-1, C * m * 2]);
      const [px, py] = tf.split(tf.sub(xy, this.pivot!.read()), 2, 3);
      const cut = this.cut!.read(), c = tf.reshape(tf.cos(cut), [1, 1, m, 1]), s = tf.reshape(tf.sin(cut), [1, 1, m, 1]);
      // Rotate so that the cut direction points along −x: atan2's branch cut then falls on it.
      const along = tf.neg(tf.add(tf.mul(px, c), tf.mul(py, s)));
      const across = tf.sub(tf.mul(px, s), tf.mul(py, c));
      const alpha = tf.reshape(tf.atan2(across, along), [-1, C, m]);
      const u = this.warp ? tf.add(alpha, warpTerm(alpha, this.warp.read(), this.warpHarmonics, this.warpScale)) : alpha;
      return tf.reshape(u, [-1, C * m]);
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    if (this.constants) tf.dispose(Object.values(this.constants));
    this.constants = null;
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { keypoints, chart, starts } = this.args;
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), keypoints, chart };
    if (this.warpHarmonics > 0) Object.assign(config, { warpHarmonics: this.warpHarmonics, warpScale: this.warpScale });
    return { ...config, starts: starts.map((s) => ({ gain: s.gain, pivot: [...s.pivot], cut: s.cut })) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as unknown as KeypointChartArgs & tf.serialization.ConfigDict);
  }
}

/**
 * The decoder's reading of angles or positions: [..., m] → [..., 2·h·m], the cosines and sines of 1 to
 * h times each code times `scale` (h = `harmonics`). With scale 1 decoding is 2π-periodic in an angle;
 * π/2 keeps positions in [−1, 1] apart. Either way a narrow object is in reach of a small dense decoder
 * (from the code alone it stayed blurred: docs/experiments.md#the-angle-encoder).
 */
export class FourierFeatures extends tf.layers.Layer {
  static className = 'LatentLawsFourierFeatures';
  private readonly harmonics: number;
  private readonly scale: number;

  constructor(args: { harmonics?: number; scale?: number; name?: string } = {}) {
    super({ name: args.name });
    this.harmonics = args.harmonics ?? 1;
    this.scale = args.scale ?? 1;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), 2 * this.harmonics * (shape[shape.length - 1] as number)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const u = Array.isArray(inputs) ? inputs[0] : inputs;
      const multiples = Array.from({ length: this.harmonics }, (_, j) => tf.mul(u, this.scale * (j + 1)));
      return tf.concat([...multiples.map((v) => tf.cos(v)), ...multiples.map((v) => tf.sin(v))], -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), harmonics: this.harmonics, scale: this.scale };
  }
}

tf.serialization.registerClass(KeypointChart);
tf.serialization.registerClass(FourierFeatures);
