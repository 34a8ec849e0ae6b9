/**
 * Frame data for annealing: two seeded synthetic videos generated in code (their true latent physics is
 * known, so a run can be judged) and the user's own frames from .npy/.npz.
 *
 * A *sample* is what the encoder sees: one frame, or `stack` consecutive frames stacked as channels
 * (the pendulum needs two, because position alone does not determine the next position).
 */
import { unzipSync } from 'fflate';
import { errorMessage, InputError } from '../errors.js';
import { formatShape, parseNpy, type NpyArray } from '../data/npy.js';
import { readInputFile } from '../data/validate.js';
import { Rng } from '../random.js';

/** Samples grouped in sequences, ready for the encoder. */
export interface FrameSet {
  /** `spinning`, `pendulum`, or the file path. */
  name: string;
  /** One-line description including the generator's parameters (for logs and provenance). */
  description: string;
  /** Shape of one sample: `[H, W, C]` for images (C = stacked frames), `[D]` for vectors. */
  sampleShape: number[];
  /** Product of `sampleShape`. */
  sampleSize: number;
  /** All samples, row-major, sequence after sequence: sample i is `samples[i*sampleSize ..)`. */
  samples: Float32Array;
  /** `offsets[k]` = index of the first sample of sequence k; `offsets[K]` = sample count (as in Dataset). */
  offsets: number[];
  /** True latent state per sample when known: `values[i*names.length + j]` is `names[j]` of sample i. */
  truth?: { names: string[]; values: Float64Array };
  /** Samples are `(raw − offset) / scale`; decoded frames are mapped back with the inverse. */
  norm: { offset: number; scale: number };
}

/** Options of the built-in generators. */
export interface SyntheticOptions {
  /** Number of sequences K (default 32). */
  sequences?: number;
  /** Frames per sequence T (default 32). */
  frames?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
  /** Frame side in pixels (default 32). */
  size?: number;
}

/** The spinning shape turns by this angle per frame, so frame t+16 equals frame t. */
export const SPIN_ANGLE = (2 * Math.PI) / 16;
/** Pendulum time between frames (units where θ'' = −sin θ, small-angle period 2π ≈ 31 frames). */
export const PENDULUM_DT = 0.2;
/** RK4 substeps per pendulum frame: h = 0.01, global error ~1e-9, far below a pixel. */
const PENDULUM_SUBSTEPS = 20;

const gauss = (d2: number, sigma: number): number => Math.exp(-d2 / (2 * sigma * sigma));

/** Squared distance from (px, py) to the segment from (ax, ay) to (bx, by). */
function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
  const dx = px - ax - t * vx, dy = py - ay - t * vy;
  return dx * dx + dy * dy;
}

/**
 * Render the spinning shape at angle `theta` into `out` (size×size, row-major). The shape, in its own
 * frame (pixels from the centre): a Gaussian blob (σ = 2.5·s) at distance 8·s along +x, and a bar of
 * length 10·s from the centre at 110° (σ = 1.2·s across), drawn at 0.7 intensity — no symmetry but the
 * identity, so the angle is unambiguous. s = size/32. Intensities are smooth, so small rotations change
 * pixels smoothly.
 */
export function renderSpinning(theta: number, size: number, out: Float32Array, at = 0, stride = 1): void {
  const s = size / 32, c = Math.cos(theta), sn = Math.sin(theta);
  const bx = 10 * s * Math.cos((110 * Math.PI) / 180), by = 10 * s * Math.sin((110 * Math.PI) / 180);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const px = x + 0.5 - size / 2, py = y + 0.5 - size / 2;
      // Rotate the pixel by −θ into the shape's frame instead of rotating the shape.
      const qx = c * px + sn * py, qy = -sn * px + c * py;
      const blob = gauss((qx - 8 * s) ** 2 + qy * qy, 2.5 * s);
      const bar = 0.7 * gauss(segDist2(qx, qy, 0, 0, bx, by), 1.2 * s);
      out[at + (y * size + x) * stride] = Math.max(blob, bar);
    }
}

/**
 * `spinning`: K sequences of T frames of an asymmetric shape turning by {@link SPIN_ANGLE} per frame from
 * a uniformly random start angle. Truth: the angle (mod 2π) per frame. The true latent physics is a
 * rotation by 2π/16 in a plane.
 */
export function spinning(opts: SyntheticOptions = {}): FrameSet {
  const K = opts.sequences ?? 32, T = opts.frames ?? 32, seed = opts.seed ?? 0, size = opts.size ?? 32;
  const rng = new Rng(seed ^ 0x5eed5);
  const D = size * size;
  const samples = new Float32Array(K * T * D);
  const truth = new Float64Array(K * T);
  for (let k = 0; k < K; k++) {
    const start = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < T; t++) {
      const theta = start + t * SPIN_ANGLE;
      const i = k * T + t;
      renderSpinning(theta, size, samples, i * D);
      truth[i] = theta % (2 * Math.PI);
    }
  }
  return {
    name: 'spinning',
    description: `spinning(K=${K}, T=${T}, size=${size}, seed=${seed}, angle=2pi/16)`,
    sampleShape: [size, size, 1],
    sampleSize: D,
    samples,
    offsets: Array.from({ length: K + 1 }, (_, k) => k * T),
    truth: { names: ['angle'], values: truth },
    norm: { offset: 0, scale: 1 },
  };
}

/**
 * The states (θ, θ') of {@link pendulum}'s K sequences of T frames, frame after frame ([K·T·2]): each
 * sequence from a random swing (energy ≤ 0.99), stepped {@link PENDULUM_DT} per frame.
 */
export function pendulumStates(K: number, T: number, seed: number): Float64Array {
  const rng = new Rng(seed ^ 0xbe11);
  const state = new Float64Array(K * T * 2);
  for (let k = 0; k < K; k++) {
    let th: number, om: number;
    do {
      th = rng.uniform(-Math.PI, Math.PI);
      om = rng.uniform(-2, 2);
    } while (om * om / 2 - Math.cos(th) > 0.99);
    for (let t = 0; t < T; t++) {
      state[2 * (k * T + t)] = th;
      state[2 * (k * T + t) + 1] = om;
      for (let j = 0; j < PENDULUM_SUBSTEPS; j++) [th, om] = rk4(th, om, PENDULUM_DT / PENDULUM_SUBSTEPS);
    }
  }
  return state;
}

/** One RK4 step of θ'' = −sin θ. */
function rk4(theta: number, omega: number, h: number): [number, number] {
  const f = (th: number, om: number): [number, number] => [om, -Math.sin(th)];
  const [a1, b1] = f(theta, omega);
  const [a2, b2] = f(theta + (h / 2) * a1, omega + (h / 2) * b1);
  const [a3, b3] = f(theta + (h / 2) * a2, omega + (h / 2) * b2);
  const [a4, b4] = f(theta + h * a3, omega + h * b3);
  return [theta + (h / 6) * (a1 + 2 * a2 + 2 * a3 + a4), omega + (h / 6) * (b1 + 2 * b2 + 2 * b3 + b4)];
}

/**
 * `pendulum`: K sequences of a nonlinear pendulum θ'' = −sin θ (RK4, {@link PENDULUM_DT} per frame in
 * {@link PENDULUM_SUBSTEPS} substeps), rendered as a Gaussian bob (σ = 2·s) at distance 11·s from the
 * image centre (θ = 0 hangs straight down). Initial θ ~ U(−π, π), θ' ~ U(−2, 2), redrawn until the
 * energy θ'²/2 − cos θ ≤ 0.99 so every sequence swings (librates) with its own amplitude. A sample is two
 * consecutive frames stacked as channels (`[H, W, 2]`), so a sequence of T frames gives T − 1 samples.
 * Truth per sample: θ and θ' at its first frame.
 */
export function pendulum(opts: SyntheticOptions = {}): FrameSet {
  const K = opts.sequences ?? 32, T = opts.frames ?? 32, seed = opts.seed ?? 0, size = opts.size ?? 32;
  const s = size / 32, D = size * size;
  const frames = new Float32Array(K * T * D);
  const state = pendulumStates(K, T, seed);
  for (let i = 0; i < K * T; i++) {
    const th = state[2 * i];
    const bx = 11 * s * Math.sin(th), by = 11 * s * Math.cos(th);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const px = x + 0.5 - size / 2, py = y + 0.5 - size / 2;
        frames[i * D + y * size + x] = gauss((px - bx) ** 2 + (py - by) ** 2, 2 * s);
      }
  }
  const stacked = stackFrames(frames, Array.from({ length: K + 1 }, (_, k) => k * T), [size, size], 2);
  const truth = new Float64Array((stacked.offsets[K]) * 2);
  for (let k = 0; k < K; k++)
    for (let t = 0; t < T - 1; t++) truth.set(state.subarray(2 * (k * T + t), 2 * (k * T + t) + 2), 2 * (k * (T - 1) + t));
  return {
    name: 'pendulum',
    description: `pendulum(K=${K}, T=${T}, size=${size}, seed=${seed}, dt=${PENDULUM_DT}, stack=2)`,
    sampleShape: [size, size, 2],
    sampleSize: 2 * D,
    samples: stacked.samples,
    offsets: stacked.offsets,
    truth: { names: ['theta', 'omega'], values: truth },
    norm: { offset: 0, scale: 1 },
  };
}

/**
 * Stack `stack` consecutive frames of each sequence as the channels of one sample (channel-last, so an
 * `[H, W]` frame becomes an `[H, W, stack]` sample; a `[D]` frame becomes `[D·stack]`). A sequence of T
 * frames yields T − stack + 1 samples.
 */
export function stackFrames(frames: Float32Array, offsets: number[], frameShape: number[], stack: number): { samples: Float32Array; offsets: number[] } {
  const F = frameShape.reduce((a, b) => a * b, 1);
  if (stack === 1) return { samples: frames, offsets };
  const outOffsets = [0];
  for (let k = 0; k + 1 < offsets.length; k++) outOffsets.push(outOffsets[k] + Math.max(0, offsets[k + 1] - offsets[k] - stack + 1));
  const samples = new Float32Array(outOffsets[outOffsets.length - 1] * F * stack);
  let i = 0;
  for (let k = 0; k + 1 < offsets.length; k++)
    for (let t = offsets[k]; t + stack <= offsets[k + 1]; t++, i++)
      for (let p = 0; p < F; p++) for (let c = 0; c < stack; c++) samples[(i * F + p) * stack + c] = frames[(t + c) * F + p];
  return { samples, offsets: outOffsets };
}

/** Decode a .npy file, or the array of an .npz (`frames`, `arr_0`, or its only member). */
function readArray(path: string): NpyArray {
  const bytes = readInputFile(path);
  if (!path.toLowerCase().endsWith('.npz')) return parseNpy(bytes, path);
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (err) {
    throw new InputError(path, `is not a readable .npz (zip) archive: ${errorMessage(err)}`);
  }
  const names = Object.keys(members).filter((n) => n.endsWith('.npy'));
  const pick = names.find((n) => n === 'frames.npy') ?? names.find((n) => n === 'arr_0.npy') ?? (names.length === 1 ? names[0] : undefined);
  if (!pick)
    throw new InputError(path, names.length === 0 ? 'holds no .npy arrays' : `holds ${names.length} arrays (${names.join(', ')}); name the frames array 'frames'`);
  return parseNpy(members[pick], `${path}: member ${pick}`);
}

/**
 * Load the user's frames: shape `[K, T, H, W]` (grayscale video), `[K, T, H, W, C]` (channels) or
 * `[K, T, D]` (vectors). Values are standardised by one global mean and standard deviation (kept in
 * `norm`) so the reconstruction loss has unit scale whatever the file's units.
 * @param stack consecutive frames per sample (default 1; use 2 when velocity matters)
 * @throws InputError for unreadable files, wrong ranks, too few frames or non-finite values
 */
export function loadFrames(path: string, stack = 1): FrameSet {
  const arr = readArray(path);
  const { shape, data } = arr;
  if (shape.length < 3 || shape.length > 5)
    throw new InputError(path, `array of shape ${formatShape(shape)} is not frames; expected (K, T, H, W), (K, T, H, W, C) or (K, T, D)`);
  const [K, T] = shape;
  if (K < 1 || T < stack + 1)
    throw new InputError(path, `shape ${formatShape(shape)}: need at least 1 sequence of at least ${stack + 1} frames`);
  const frameShape = shape.slice(2);
  const F = frameShape.reduce((a, b) => a * b, 1);
  if (F === 0) throw new InputError(path, `shape ${formatShape(shape)} has empty frames`);
  let sum = 0, sum2 = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      const k = Math.floor(i / (T * F)), t = Math.floor(i / F) % T;
      throw new InputError(path, `sequence ${k}, frame ${t}, element ${i % F} is ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}`);
    }
    sum += v;
    sum2 += v * v;
  }
  const mean = sum / data.length;
  const std = Math.sqrt(Math.max(sum2 / data.length - mean * mean, 0)) || 1;
  const frames = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) frames[i] = (data[i] - mean) / std;
  const offsets = Array.from({ length: K + 1 }, (_, k) => k * T);
  // stackFrames puts the stacked copies innermost, so each frame element (pixel·channel) becomes
  // `stack` adjacent values: the layout is [H, W, C·stack], channel-last as the model expects.
  const image = frameShape.length >= 2;
  const channels = frameShape.length === 3 ? frameShape[2] : 1;
  const st = stackFrames(frames, offsets, [F], stack);
  const samples = st.samples;
  const sampleShape = image ? [frameShape[0], frameShape[1], channels * stack] : [F * stack];
  return {
    name: path,
    description: `${path} ${formatShape(shape)}${stack > 1 ? ` stack=${stack}` : ''}`,
    sampleShape,
    sampleSize: F * stack,
    samples,
    offsets: st.offsets,
    norm: { offset: mean, scale: std },
  };
}

/** Split off the last `heldout` sequences (for judging laws on sequences the encoder never trained on). */
export function splitSequences(set: FrameSet, heldout: number): { train: FrameSet; heldout: FrameSet | null } {
  const K = set.offsets.length - 1;
  const h = Math.max(0, Math.min(heldout, K - 1));
  if (h === 0) return { train: set, heldout: null };
  const cut = set.offsets[K - h];
  const part = (lo: number, hi: number, k0: number, k1: number): FrameSet => {
    const nt = set.truth?.names.length ?? 0;
    return {
      ...set,
      samples: set.samples.slice(lo * set.sampleSize, hi * set.sampleSize),
      offsets: set.offsets.slice(k0, k1 + 1).map((o) => o - lo),
      truth: set.truth && { names: set.truth.names, values: set.truth.values.slice(lo * nt, hi * nt) },
    };
  };
  return { train: part(0, cut, 0, K - h), heldout: part(cut, set.offsets[K], K - h, K) };
}
