/**
 * The pendulum's acceptance figures for one finished anneal run (issue #16), from its held-out
 * latents and the generator's true states (θ, θ') of the same held-out sequences:
 * - energyCorr: the largest |corr(I, E)| over the held-out invariants with inlier fraction ≥ 0.99 (laws
 *   of their own, or conserved by a map law), where E = θ'²/2 − cos θ is the true energy
 *   (bestInvariantCorr: the same over every held-out invariant);
 * - nearPerfectMaps: held-out map laws with inlier fraction ≥ 0.99 (their rollout is judged by the caller);
 * - omegaR2, energyR2: how much of θ' and of E a linear read-out of the latents explains (does the
 *   latent carry the velocity?);
 * - motion: the smallest ratio, over latent coordinates, of the RMS step to the spread (a collapsed or
 *   frozen latent shows as a tiny ratio).
 * Used by benchmarks/anneal.mjs; reads the compiled library in dist/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from 'latent-laws';
import { loadRunData, readRunConfig } from '../dist/src/anneal/config.js';
import { compileLaw } from '../dist/src/laws/compile.js';

const NEAR_PERFECT = 0.99;

function correlation(x, y) {
  const n = x.length, mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** R² of the least-squares fit of y on [z, 1] (normal equations, Gauss–Jordan; d is small). */
function linearR2(states, d, y) {
  const n = y.length, p = d + 1, A = Array.from({ length: p }, () => new Float64Array(p + 1));
  for (let i = 0; i < n; i++) {
    const row = [...states.subarray(i * d, i * d + d), 1];
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) A[a][b] += row[a] * row[b];
      A[a][p] += row[a] * y[i];
    }
  }
  for (let c = 0; c < p; c++) {
    const piv = A.slice(c).reduce((best, r, i) => (Math.abs(r[c]) > Math.abs(A[best][c]) ? c + i : best), c);
    [A[c], A[piv]] = [A[piv], A[c]];
    if (Math.abs(A[c][c]) < 1e-12) continue;
    for (let r = 0; r < p; r++) if (r !== c) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= p; k++) A[r][k] -= f * A[c][k];
    }
  }
  const coef = A.map((r, i) => (Math.abs(r[i]) < 1e-12 ? 0 : r[p] / r[i]));
  const my = y.reduce((a, b) => a + b, 0) / n;
  let ss = 0, st = 0;
  for (let i = 0; i < n; i++) {
    let f = coef[d];
    for (let j = 0; j < d; j++) f += coef[j] * states[i * d + j];
    ss += (y[i] - f) ** 2;
    st += (y[i] - my) ** 2;
  }
  return 1 - ss / st;
}

/** Smallest RMS step / standard deviation over the latent coordinates, steps inside sequences only. */
function smallestMotion(states, d, offsets) {
  let smallest = Infinity;
  const n = offsets[offsets.length - 1];
  for (let j = 0; j < d; j++) {
    let s = 0, s2 = 0, step2 = 0, steps = 0;
    for (let i = 0; i < n; i++) {
      s += states[i * d + j];
      s2 += states[i * d + j] ** 2;
    }
    for (let k = 0; k + 1 < offsets.length; k++)
      for (let i = offsets[k]; i + 1 < offsets[k + 1]; i++, steps++) step2 += (states[(i + 1) * d + j] - states[i * d + j]) ** 2;
    const sd = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
    smallest = Math.min(smallest, Math.sqrt(step2 / steps) / sd);
  }
  return smallest;
}

/**
 * True (θ, θ') of each held-out sample: the built-in pendulum's generator, or for a run on a frames file
 * the file `truthPath` ([K, T, 2] per frame, as benchmarks/sindy-pendulum.mjs writes it), whose last
 * `heldout` sequences were held out; a sample of `stack` frames is the state at its first frame.
 */
function heldoutTruth(cfg, truthPath) {
  if (cfg.data.kind !== 'file') return loadRunData(cfg.data, cfg.heldout).heldout.truth;
  const truth = loadDataset(truthPath);
  const K = truth.offsets.length - 1, stack = cfg.data.stack, values = [];
  for (let k = K - cfg.heldout; k < K; k++)
    for (let t = truth.offsets[k]; t + stack <= truth.offsets[k + 1]; t++) values.push(truth.states[2 * t], truth.states[2 * t + 1]);
  return { names: ['theta', 'omega'], values: Float64Array.from(values) };
}

/** The acceptance figures of the module comment for the run folder `runDir` (see {@link heldoutTruth} for `truthPath`). */
export function judgePendulum(runDir, truthPath) {
  const cfg = readRunConfig(runDir);
  const latents = loadDataset(join(runDir, 'heldout-latents.npy'));
  const { names, values } = heldoutTruth(cfg, truthPath);
  if (values.length !== 2 * (latents.states.length / latents.dim)) throw new Error(`${truthPath ?? 'the generator'}: ${values.length / 2} true states for ${latents.states.length / latents.dim} held-out samples`);
  const [it, iw] = [names.indexOf('theta'), names.indexOf('omega')];
  const n = latents.states.length / latents.dim;
  const omega = Array.from({ length: n }, (_, i) => values[i * names.length + iw]);
  const energy = omega.map((w, i) => (w * w) / 2 - Math.cos(values[i * names.length + it]));
  const laws = JSON.parse(readFileSync(join(runDir, 'heldout-laws.json'), 'utf8')).laws;
  let energyCorr = 0, bestInvariantCorr = 0;
  // Invariants stated on their own, and those a map conserves (its "conserves I = …" notes).
  const invariants = laws.flatMap((l) => (l.role === 'invariant' ? [l] : (l.conserved ?? []).map((c) => ({ ...c, rank: l.rank, outliers: [] }))));
  for (const law of invariants) {
    const c = compileLaw(law);
    const I = Array.from({ length: n }, (_, i) => c.invariant(c.project(latents.states, i * latents.dim)));
    const r = Math.abs(correlation(I, energy));
    if (!Number.isFinite(r)) continue;
    bestInvariantCorr = Math.max(bestInvariantCorr, r);
    if (law.metrics.inlierFraction >= NEAR_PERFECT) energyCorr = Math.max(energyCorr, r);
  }
  return {
    energyCorr, bestInvariantCorr,
    nearPerfectMaps: laws.filter((l) => l.role === 'map' && l.metrics.inlierFraction >= NEAR_PERFECT).map((l) => l.id),
    omegaR2: linearR2(latents.states, latents.dim, omega),
    energyR2: linearR2(latents.states, latents.dim, energy),
    motion: smallestMotion(latents.states, latents.dim, latents.offsets),
  };
}
