/**
 * Comparing an annealed run with its λ = 0 baseline: the numbers a user reads ("frame MSE X against Y,
 * r× the baseline's") come from both runs' forecasts, and a run without a map law says why instead of
 * failing the comparison. Forecasts are injected, so no TensorFlow runs here; the command line's test
 * (tests/cli/anneal-cli.test.ts) runs the real rollouts and the baseline checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASELINE_ROLLOUT_STEPS, compareWithBaseline, describeComparison } from '../../src/anneal/baseline.ts';
import { InputError } from '../../src/errors.ts';

const forecasts: Record<string, () => { meanMse?: number; law: { summary: string } }> = {
  physics: () => ({ meanMse: 1e-3, law: { summary: "u' = R(pi/8)·u" } }),
  baseline: () => ({ meanMse: 4e-3, law: { summary: "u' = 0.99·u" } }),
  lawless: () => {
    throw new InputError('lawless/laws.json', 'holds no map law to roll out');
  },
  broken: () => {
    throw new Error('the decoder failed');
  },
};
const forecast = async (run: string, steps: number) => {
  assert.equal(steps, BASELINE_ROLLOUT_STEPS);
  return forecasts[run]();
};

test('the comparison states both forecasts\' errors and their ratio, over 50 steps', async () => {
  const c = await compareWithBaseline('physics', 'baseline', forecast);
  assert.deepEqual(c, { steps: 50, run: { meanMse: 1e-3, law: "u' = R(pi/8)·u" }, baseline: { meanMse: 4e-3, law: "u' = 0.99·u" } });
  assert.equal(describeComparison(c, 'runs/base'), "50-step forecast by the best map law: frame MSE 1.000e-3 against 4.000e-3 for the λ = 0 baseline in runs/base; 0.25× the baseline's");
});

test('a run without a map law says why; an unexpected failure is not hidden', async () => {
  const c = await compareWithBaseline('physics', 'lawless', forecast);
  assert.deepEqual(c.baseline, { none: 'lawless/laws.json: holds no map law to roll out' });
  assert.equal(describeComparison(c, 'lawless'), '50-step forecast by the best map law: frame MSE 1.000e-3 against none (lawless/laws.json: holds no map law to roll out) for the λ = 0 baseline in lawless');
  await assert.rejects(compareWithBaseline('physics', 'broken', forecast), /the decoder failed/);
});
