/**
 * Fixtures for the check tests: planted data sets whose law lives in coordinates 0..k−1 (mix: false),
 * so data from another seed obeys the very same law, and hand-made violations of it.
 */
import { fit } from '../../src/engine/fit.ts';
import { mulberry32 } from '../../src/random.ts';
import { plantLaw, type PlantedKind } from '../../src/planted.ts';
import type { Dataset, FitResult, Law } from '../../src/types.ts';

export const ANGLE = Math.PI / 7;

/** Fitted laws (workers 0) of a small planted data set, cached per kind. */
const cache = new Map<string, Promise<FitResult>>();
export function fittedLaws(kind: PlantedKind, seed = 3): Promise<FitResult> {
  const key = `${kind}/${seed}`;
  if (!cache.has(key)) cache.set(key, fit(planted(kind, seed), { workers: 0, seed: 1 }));
  return cache.get(key)!;
}

export function planted(kind: PlantedKind, seed: number, trajectories = 10): Dataset {
  return plantLaw({ kind, seed, noiseDims: 2, noise: 1e-4, trajectories, steps: 30, mix: false, angle: ANGLE }).dataset;
}

export function lawOf(result: FitResult, family: string): Law {
  const law = result.laws.find((l) => l.family === family);
  if (!law) throw new Error(`no ${family} law among ${result.laws.map((l) => l.id).join(', ')}`);
  return law;
}

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
}

/** Rotation by `angle` in coordinates 0,1 for radius ≤ 2, by `angle + 0.3` beyond: the law breaks outside. */
export function brokenRotationStep(z: number[]): number[] {
  const r = Math.hypot(z[0], z[1]);
  const th = r <= 2 ? ANGLE : ANGLE + 0.3;
  return [Math.cos(th) * z[0] - Math.sin(th) * z[1], Math.sin(th) * z[0] + Math.cos(th) * z[1], ...z.slice(2)];
}

/**
 * Trajectories of {@link brokenRotationStep} with radii uniform in [0.5, 3] (noise dims 2, noise 1e-4),
 * in the layout of {@link planted}: a rotation law fitted there holds here only inside radius 2.
 */
export function brokenRotationData(seed: number, trajectories = 20, steps = 30): Dataset {
  const rand = mulberry32(seed);
  const g = gaussian(rand);
  const d = 4;
  const states = new Float64Array(trajectories * steps * d);
  for (let k = 0; k < trajectories; k++) {
    const r = 0.5 + 2.5 * rand();
    const phase = 2 * Math.PI * rand();
    let x = [r * Math.cos(phase), r * Math.sin(phase), 0, 0];
    for (let t = 0; t < steps; t++) {
      const row = (k * steps + t) * d;
      states.set([x[0] + 1e-4 * g(), x[1] + 1e-4 * g(), g(), g()], row);
      x = brokenRotationStep(x);
    }
  }
  return { dim: d, states, offsets: Array.from({ length: trajectories + 1 }, (_, k) => k * steps), source: `broken-rotation(seed=${seed})` };
}

/**
 * `data` with trajectory `k`'s law coordinates (0, 1) scaled by (1 + rate)^(t/2) at step t, so a
 * conserved |u|² drifts by a factor 1 + rate per step on that trajectory only.
 */
export function withDrift(data: Dataset, k: number, rate: number): Dataset {
  const states = Float64Array.from(data.states);
  for (let s = data.offsets[k]; s < data.offsets[k + 1]; s++) {
    const f = (1 + rate) ** ((s - data.offsets[k]) / 2);
    states[s * data.dim] *= f;
    states[s * data.dim + 1] *= f;
  }
  return { ...data, states, source: `${data.source} with drift on trajectory ${k}` };
}

/** Trajectories `from`… of a data set (held-out trajectories of the same generator run). */
export function trajectoriesFrom(data: Dataset, from: number): Dataset {
  const first = data.offsets[from];
  return {
    dim: data.dim,
    states: data.states.slice(first * data.dim),
    offsets: data.offsets.slice(from).map((o) => o - first),
    source: `${data.source} trajectories ${from}…`,
  };
}

/**
 * A toy observation model: a state (x, y) is rendered as 8 "pixels" (an orthonormal embedding), and the
 * encoder reads a 2-D latent back with a small deterministic wobble that plays the part of noise.
 */
const EMBED = [0.1, 0.7, -0.2, 0.3, 0.5, -0.1, 0.25, 0.15];
const EMBED2 = EMBED.map((_, i) => (i % 2 === 0 ? 1 : -1) * EMBED[EMBED.length - 1 - i]);
const normed = (v: number[]) => v.map((x) => x / Math.hypot(...v));
export const observation = {
  render: (s: { x: number; y: number }) => {
    const a = normed(EMBED);
    const b0 = normed(EMBED2);
    const dot = a.reduce((acc, x, i) => acc + x * b0[i], 0);
    const b = normed(b0.map((x, i) => x - dot * a[i]));
    return a.map((ai, i) => s.x * ai + s.y * b[i]);
  },
  encode(pixels: number[]): number[] {
    const a = normed(EMBED);
    const b0 = normed(EMBED2);
    const dot = a.reduce((acc, x, i) => acc + x * b0[i], 0);
    const b = normed(b0.map((x, i) => x - dot * a[i]));
    const x = pixels.reduce((acc, p, i) => acc + p * a[i], 0);
    const y = pixels.reduce((acc, p, i) => acc + p * b[i], 0);
    return [x + 1e-4 * Math.sin(9973 * x + 3 * y), y + 1e-4 * Math.cos(7919 * y - 5 * x)];
  },
};

/** Rotation of a state by {@link ANGLE}, or by ANGLE + 0.3 beyond radius `breakAt`. */
export function stateStep(breakAt = Infinity) {
  return (s: { x: number; y: number }) => {
    const th = Math.hypot(s.x, s.y) <= breakAt ? ANGLE : ANGLE + 0.3;
    return { x: Math.cos(th) * s.x - Math.sin(th) * s.y, y: Math.sin(th) * s.x + Math.cos(th) * s.y };
  };
}

/** Encoded trajectories of the toy observation model (radii 0.5 … 2), as a data set to fit. */
export function encodedTrajectories(seed: number, trajectories = 12, steps = 30): Dataset {
  const rand = mulberry32(seed);
  const step = stateStep();
  const rows: number[] = [];
  for (let k = 0; k < trajectories; k++) {
    const r = 0.5 + 1.5 * rand();
    const phase = 2 * Math.PI * rand();
    let s = { x: r * Math.cos(phase), y: r * Math.sin(phase) };
    for (let t = 0; t < steps; t++) {
      rows.push(...observation.encode(observation.render(s)));
      s = step(s);
    }
  }
  return { dim: 2, states: Float64Array.from(rows), offsets: Array.from({ length: trajectories + 1 }, (_, k) => k * steps), source: `encoded(seed=${seed})` };
}
