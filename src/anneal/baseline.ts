/**
 * Comparing an annealed run with its λ = 0 baseline: the same frames encoded by a plain autoencoder.
 * Whether the physics helped is read from a forecast both runs make the same way: each rolls out its
 * best map law for the same steps on the same test sequences (`rollout`'s defaults), and the mean frame
 * errors are compared.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { type DataSpec, readRunConfig } from './config.js';

/** Steps of the compared forecast: the horizon the acceptance figures use. */
export const BASELINE_ROLLOUT_STEPS = 50;

/** One run's forecast: its mean frame MSE over the steps and the law it rolled out, or why it has none. */
export type RunForecast = { meanMse: number; law: string } | { none: string };

/** The annealed run's forecast against the baseline's. */
export interface BaselineComparison {
  steps: number;
  run: RunForecast;
  baseline: RunForecast;
}

/** Whether two runs were trained on the same frames (file paths compared as absolute paths). */
const sameFrames = (a: DataSpec, b: DataSpec): boolean =>
  a.kind === 'file' && b.kind === 'file' ? resolve(a.path) === resolve(b.path) && a.stack === b.stack : JSON.stringify(a) === JSON.stringify(b);

/**
 * Check, before any training, that `baselineDir` is a finished λ = 0 run of the same frames and the same
 * held-out split as a run on `data`.
 * @throws InputError naming the baseline folder and what differs.
 */
export function checkBaseline(baselineDir: string, data: DataSpec, heldout: number): void {
  const cfg = readRunConfig(baselineDir);
  if (cfg.schedule.lambda !== 0) throw new InputError(baselineDir, `is not a λ = 0 baseline (trained with --lambda ${cfg.schedule.lambda}); train one with --lambda 0`);
  if (!sameFrames(cfg.data, data)) throw new InputError(baselineDir, `was trained on other frames (${describeData(cfg.data)}, this run: ${describeData(data)})`);
  if (cfg.heldout !== heldout) throw new InputError(baselineDir, `holds out ${cfg.heldout} sequences, this run ${heldout}`);
  if (!existsSync(join(baselineDir, 'laws.json'))) throw new InputError(baselineDir, 'has no laws.json (the baseline has not finished)');
}

function describeData(d: DataSpec): string {
  return d.kind === 'file' ? `${d.path}, --stack ${d.stack}` : `--dataset ${d.kind}, seed ${d.seed}`;
}

/**
 * Both runs' forecasts through `forecast` (`rollout` with its defaults, injected so this module needs no
 * TensorFlow). A run without a map law to roll out says so instead of failing the comparison.
 */
export async function compareWithBaseline(
  runDir: string,
  baselineDir: string,
  forecast: (run: string, steps: number) => Promise<{ meanMse?: number; law: { summary: string } }>,
  steps = BASELINE_ROLLOUT_STEPS,
): Promise<BaselineComparison> {
  const one = async (dir: string): Promise<RunForecast> => {
    try {
      const r = await forecast(dir, steps);
      return r.meanMse === undefined ? { none: 'no true frames to compare with' } : { meanMse: r.meanMse, law: r.law.summary };
    } catch (err) {
      if (err instanceof InputError) return { none: errorMessage(err) };
      throw err;
    }
  };
  return { steps, run: await one(runDir), baseline: await one(baselineDir) };
}

/** The comparison in one line, e.g. "50-step forecast: frame MSE 1.2e-3 against 4.5e-3 for the λ = 0 baseline (1/3.7)". */
export function describeComparison(c: BaselineComparison, baselineDir: string): string {
  const side = (f: RunForecast) => ('none' in f ? `none (${f.none})` : f.meanMse.toExponential(3));
  const ratio = 'meanMse' in c.run && 'meanMse' in c.baseline && c.baseline.meanMse > 0 ? `; ${(c.run.meanMse / c.baseline.meanMse).toFixed(2)}× the baseline's` : '';
  return `${c.steps}-step forecast by the best map law: frame MSE ${side(c.run)} against ${side(c.baseline)} for the λ = 0 baseline in ${baselineDir}${ratio}`;
}
