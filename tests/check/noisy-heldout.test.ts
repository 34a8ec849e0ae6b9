/**
 * A law fitted through measurement noise is checked against the same noise: on held-out readings of
 * the same system, with the same noise, the true law passes (a law with the wrong angle fails), and
 * the encoder bridge counts it near-perfect there, with a weight near its cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BRIDGE_DEFAULTS, computeWeights } from '../../src/anneal/bridge.ts';
import { checkLaws } from '../../src/check/run.ts';
import type { Law } from '../../src/types.ts';
import { fitInline } from '../engine/helpers.ts';
import { dampedRotation, noisyReadings } from '../engine/noisy-readings.ts';
import type { Dataset } from '../../src/types.ts';

test('a damped rotation fitted through 20% measurement noise passes check on noisy held-out readings', async () => {
  const system = { A: dampedRotation(0.97, 0.5), noiseDims: 1, seed: 21, trajectories: 120, steps: 100 };
  const { signalRms } = noisyReadings({ ...system, measurement: 0 });
  const noisy = noisyReadings({ ...system, measurement: 0.2 * signalRms }).dataset;
  const fitted = trajectories(noisy, 0, 100);
  const heldOut = trajectories(noisy, 100, 120);
  const result = await fitInline(fitted);
  const law = result.laws.find((l) => l.role === 'map');
  assert.ok(law?.metrics.noise, `a map fitted through the noise; got ${result.laws.map((l) => l.id).join(', ')}`);
  const report = checkLaws([law], heldOut, { runs: 200, seed: 3 });
  assert.ok(report.ok, JSON.stringify(report.laws.map((c) => c.counterexample)));
  // The check can fail: the same law turned by 1 rad more does not hold on these readings.
  const turned: Law = { ...law, model: { ...law.model, coefficients: turn(law.model.coefficients, 1) } };
  assert.equal(checkLaws([turned], heldOut, { runs: 200, seed: 3 }).ok, false);
  const [weights] = computeWeights(heldOut, [law]);
  assert.ok(weights.inlierFraction >= 0.99, `bridge inliers ${weights.inlierFraction}`);
  assert.ok(weights.weight >= 0.5 / BRIDGE_DEFAULTS.epsilon, `bridge weight ${weights.weight}`);
});

/** The map's linear part followed by a further rotation by `angle` (offset column, if any, kept). */
function turn(W: number[][], angle: number): number[][] {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return [W[0].map((v, j) => c * v - s * W[1][j]), W[1].map((v, j) => s * W[0][j] + c * v)];
}

/** Trajectories [from, to) of a data set. */
function trajectories(data: Dataset, from: number, to: number): Dataset {
  const [first, last] = [data.offsets[from], data.offsets[to]];
  return { dim: data.dim, states: data.states.slice(first * data.dim, last * data.dim), offsets: data.offsets.slice(from, to + 1).map((o) => o - first), source: `${data.source} trajectories ${from}–${to - 1}` };
}
