/**
 * The angle chart's warp: a small trainable reparametrisation u = α + s·w(α) of each keypoint angle α,
 * and its inverse for the decoder. Reconstruction cannot tell charts apart (the decoder undoes any
 * smooth reparametrisation), so the warp is the part of the encoder only the physics can set: it bends
 * the chart until the law the bridge pulls holds exactly, correcting the keypoint's sub-pixel bias
 * (docs/experiments.md#a-chart-the-physics-can-bend). The decoder reads α = warp⁻¹(u), which makes the
 * reconstruction loss blind to the warp's coefficients (exactly so while they are zero, so a λ = 0 run
 * keeps the untrained chart).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Scale of a new chart's warp coefficients: Adam moves a weight by about its learning rate (1e-3) per
 * step, so this sets how far a step bends the chart against a keypoint bias of about 1e-4 rad; at
 * 1e-3 the run's 160 physics steps left the chart short of exact (docs/experiments.md#the-warps-step).
 * Recorded with each chart (`warpScale` in its config).
 */
export const WARP_SCALE = 3e-3;

/** The scale of charts saved before the scale was recorded with them. */
export const LEGACY_WARP_SCALE = 1e-3;

/** Fixed-point iterations of the inverse; each shrinks the error by s·|w'| (at most about 1e-2). */
const INVERSE_ITERATIONS = 4;

/**
 * s·w(α) for angles `alpha` [B, C, m], coefficients [2K, m] (rows: sin kα for k = 1..K, then
 * cos kα − 1, so the warp is 2π-periodic and fixes α = 0, which keeps the chart's origin where it was)
 * and scale s.
 */
export function warpTerm(alpha: tf.Tensor, coefficients: tf.Tensor, harmonics: number, scale: number): tf.Tensor {
  return tf.tidy(() => {
    const multiples = Array.from({ length: harmonics }, (_, k) => tf.mul(alpha, k + 1));
    const basis = tf.stack([...multiples.map((v) => tf.sin(v)), ...multiples.map((v) => tf.sub(tf.cos(v), 1))], 3);
    const m = alpha.shape[2] as number;
    const w = tf.reshape(tf.transpose(coefficients), [1, 1, m, 2 * harmonics]);
    return tf.mul(tf.sum(tf.mul(basis, w), 3), scale);
  });
}

/** What {@link ChartUnwarp} reads the warp from: the encoder's chart layer. */
export interface WarpSource {
  /** Harmonics K of the warp (0: none). */
  readonly warpHarmonics: number;
  /** Scale s of the warp's coefficients. */
  readonly warpScale: number;
  /** The warp's coefficients [2K, m], or null when the chart has no warp. */
  warpCoefficients(): tf.Tensor | null;
}

/**
 * The decoder's first layer for a warped angle chart: [batch, C·m] codes u → the angles α with
 * α + s·w(α) = u. Holds no weights; {@link ChartUnwarp.attach} ties it to the encoder's chart (done
 * when the two models are put together, as they are saved apart).
 */
export class ChartUnwarp extends tf.layers.Layer {
  static className = 'LatentLawsChartUnwarp';
  private readonly keypoints: number;
  private source: WarpSource | null = null;

  constructor(args: { keypoints: number; name?: string; inputShape?: number[]; batchInputShape?: (number | null)[] }) {
    super({ name: args.name, inputShape: args.inputShape, batchInputShape: args.batchInputShape });
    this.keypoints = args.keypoints;
  }

  /** Read the warp from `source` from now on. */
  attach(source: WarpSource): void {
    this.source = source;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!this.source) throw new Error('chart unwarp layer used before it was attached to its encoder');
    const coefficients = this.source.warpCoefficients();
    const u = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!coefficients) return u;
    return tf.tidy(() => {
      const codes = tf.reshape(u, [-1, (u.shape[1] as number) / this.keypoints, this.keypoints]);
      let alpha = codes;
      for (let i = 0; i < INVERSE_ITERATIONS; i++) alpha = tf.sub(codes, warpTerm(alpha, coefficients, this.source!.warpHarmonics, this.source!.warpScale));
      return tf.reshape(alpha, u.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), keypoints: this.keypoints };
  }
}

tf.serialization.registerClass(ChartUnwarp);

/** Tie every {@link ChartUnwarp} of `decoder` to the warp source among `encoder`'s layers. */
export function attachUnwarp(encoder: tf.LayersModel, decoder: tf.LayersModel): void {
  const source = encoder.layers.find((l): l is tf.layers.Layer & WarpSource => 'warpCoefficients' in l);
  for (const layer of decoder.layers)
    if (layer instanceof ChartUnwarp) {
      if (!source) throw new Error('the decoder unwarps an angle chart the encoder does not have');
      layer.attach(source);
    }
}
