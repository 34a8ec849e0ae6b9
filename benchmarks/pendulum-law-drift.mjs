#!/usr/bin/env node
/**
 * How far the pendulum's law, as `fit` states it on the generator's exact angles, drifts when iterated
 * (docs/experiments.md#what-a-rollout-can-tell-apart): for each seed, `fit` with its defaults on the
 * built-in pendulum's true angles in delay form (u1, u2) = (θ_t, θ_{t+1}) of 40 sequences × 32 frames
 * (the anneal run's training size), then its best map law iterated 50 steps from the true first pair of
 * 8 fresh sequences (the generator's seed + 7919, as `rollout` draws them). Prints the RMS angle error
 * every 5 steps. No encoder is involved: this is the floor any chart's rollout sits on.
 *   npm run build && node benchmarks/pendulum-law-drift.mjs [--seeds 0,1,2,3,4] [--grammar FILE]
 */
import { fit, loadGrammar } from 'latent-laws';
import { pendulumStates } from '../dist/src/anneal/datasets.js';
import { compileLaw } from '../dist/src/laws/compile.js';

const argv = process.argv.slice(2);
const grammarArg = argv.indexOf('--grammar') >= 0 ? argv[argv.indexOf('--grammar') + 1] : undefined;
const seedsArg = argv.indexOf('--seeds') >= 0 ? argv[argv.indexOf('--seeds') + 1] : '0,1,2,3,4';
const STEPS = 50, TEST = 8;

/** True angles of K sequences × T frames in delay form, one trajectory per sequence. */
function delayForm(K, T, seed) {
  const st = pendulumStates(K, T, seed);
  const rows = [], offsets = [0];
  for (let k = 0; k < K; k++) {
    for (let t = 0; t + 1 < T; t++) rows.push(st[2 * (k * T + t)], st[2 * (k * T + t + 1)]);
    offsets.push(rows.length / 2);
  }
  return { states: Float64Array.from(rows), dim: 2, offsets, source: `pendulum true angles, seed ${seed}` };
}

console.log(`seed\tlaw (inlier fraction on its training angles)\tRMS angle error (rad) at steps 0, 5, …, ${STEPS}\tlargest`);
for (const seed of seedsArg.split(',').map(Number)) {
  const result = await fit(delayForm(40, 32, seed), { workers: 0, seed: 1, ...(grammarArg ? { grammar: loadGrammar(grammarArg) } : {}) });
  const law = result.laws.find((l) => l.role === 'map');
  if (!law) { console.log(`${seed}\tno map law`); continue; }
  const c = compileLaw(law);
  const test = delayForm(TEST, STEPS + 2, seed + 7919);
  const sq = new Array(STEPS + 1).fill(0);
  for (let k = 0; k < TEST; k++) {
    const at = test.offsets[k];
    let u = Float64Array.of(test.states[2 * at], test.states[2 * at + 1]);
    for (let s = 0; s <= STEPS; s++) {
      sq[s] += (u[0] - test.states[2 * (at + s)]) ** 2 / TEST;
      u = Float64Array.from(c.predict(c.project(u, 0)));
    }
  }
  const rms = sq.map(Math.sqrt);
  console.log(`${seed}\t${law.equations.join('; ')} (${law.metrics.inlierFraction.toFixed(3)})\t${rms.filter((_, i) => i % 5 === 0).map((e) => e.toExponential(1)).join(' ')}\t${Math.max(...rms).toExponential(1)}`);
}
