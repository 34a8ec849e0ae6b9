#!/usr/bin/env node
/**
 * The pendulum video of the SINDy-autoencoder paper (Champion et al. 2019), generated as its authors'
 * code does, for `anneal --frames`: θ'' = −sin θ from θ0 ~ U(−π, π), θ'0 ~ U(−2.1, 2.1), redrawn until
 * |θ'0²/2 − cos θ0| ≤ 0.99; frames every 0.02 time units over [0, 10); each frame 51 × 51 pixels of
 * exp(−((x − cos(θ − π/2))² + (y − sin(θ − π/2))²) / 0.05) on x, y ∈ [−1.5, 1.5] (rows from y = 1.5
 * down). Our own RK4 (100 substeps per frame) and seeded generator replace odeint and numpy's.
 *
 *   node benchmarks/sindy-pendulum.mjs OUT_DIR [--trajectories 60] [--every 10] [--frames 50] [--seed 0]
 *
 * Writes OUT_DIR/frames.npy [K, T, 51, 51] (float32) and OUT_DIR/truth.npy [K, T, 2] (θ, θ' per
 * frame). `--every N` keeps every N-th frame (N = 10: one frame per 0.2 time units, as the built-in
 * pendulum); `--frames T` keeps the first T kept frames.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from 'latent-laws';
import { writeNpy } from '../dist/src/data/npy.js';

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const out = argv[0];
if (!out || out.startsWith('--')) throw new Error('usage: node benchmarks/sindy-pendulum.mjs OUT_DIR [--trajectories 60] [--every 10] [--frames 50] [--seed 0]');
const K = arg('trajectories', 60), every = arg('every', 10), T = arg('frames', 50), seed = arg('seed', 0);
const DT = 0.02, STEPS = 500, SUBSTEPS = 100, SIDE = 51;
if (T * every > STEPS) throw new Error(`${T} frames every ${every} need ${T * every} of the paper's ${STEPS} time steps`);

/** One RK4 step of θ'' = −sin θ. */
function rk4([q, p], h) {
  const f = (a, b) => [b, -Math.sin(a)];
  const k1 = f(q, p), k2 = f(q + (h / 2) * k1[0], p + (h / 2) * k1[1]);
  const k3 = f(q + (h / 2) * k2[0], p + (h / 2) * k2[1]), k4 = f(q + h * k3[0], p + h * k3[1]);
  return [q + (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]), p + (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])];
}

/** The paper's image of the bob at angle θ, written into `frames` at `at`. */
function render(theta, frames, at) {
  const bx = Math.cos(theta - Math.PI / 2), by = Math.sin(theta - Math.PI / 2);
  for (let r = 0; r < SIDE; r++) {
    const y = 1.5 - (3 * r) / (SIDE - 1);
    for (let c = 0; c < SIDE; c++) {
      const x = -1.5 + (3 * c) / (SIDE - 1);
      frames[at + r * SIDE + c] = Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / 0.05);
    }
  }
}

const rand = mulberry32(seed);
const frames = new Float32Array(K * T * SIDE * SIDE), truth = new Float64Array(K * T * 2);
for (let k = 0; k < K; k++) {
  let state;
  do state = [2 * Math.PI * rand() - Math.PI, 4.2 * rand() - 2.1];
  while (Math.abs(state[1] ** 2 / 2 - Math.cos(state[0])) > 0.99);
  for (let step = 0, t = 0; t < T; step++) {
    if (step % every === 0) {
      render(state[0], frames, (k * T + t) * SIDE * SIDE);
      truth.set(state, (k * T + t) * 2);
      t++;
    }
    for (let s = 0; s < SUBSTEPS; s++) state = rk4(state, DT / SUBSTEPS);
  }
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'frames.npy'), writeNpy(frames, [K, T, SIDE, SIDE]));
writeFileSync(join(out, 'truth.npy'), writeNpy(truth, [K, T, 2]));
console.log(`wrote ${join(out, 'frames.npy')} [${K}, ${T}, ${SIDE}, ${SIDE}] and truth.npy (θ, θ'), seed ${seed}, one frame per ${(every * DT).toFixed(2)} time units`);
