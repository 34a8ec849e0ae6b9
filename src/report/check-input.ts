/**
 * Reading a saved check result (`latent-laws check --json > check.json`) back for a report. The report
 * trusts the fields it draws, so each is shape-checked here and a wrong file fails with one line naming
 * the JSON path, rather than deep inside a chart.
 */
import type { CheckReport } from '../check/run.js';
import { InputError } from '../errors.js';

/** Whether a parsed JSON document looks like a check result rather than a fit result (which has `pareto`). */
export function isCheckResult(value: unknown): boolean {
  const v = value as Record<string, unknown> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.laws) && typeof v.slack === 'number' && !('pareto' in v);
}

type Kind = 'number' | 'string' | 'boolean' | 'object';

/**
 * Shape check of a check result as `check --json` prints it.
 * @throws InputError `file: at: expected …` for the first field that is missing or of the wrong type
 */
export function asCheckReport(value: unknown, file: string): CheckReport {
  const fail = (at: string, what: string): never => {
    throw new InputError(file, `${at}: expected ${what} (is this the output of \`latent-laws check --json\`?)`);
  };
  const get = (obj: unknown, key: string, at: string, kind: Kind, nullable = false): unknown => {
    const v = (obj as Record<string, unknown>)[key];
    const ok = (nullable && v === null) || (kind === 'object' ? typeof v === 'object' && v !== null : typeof v === kind && (kind !== 'number' || Number.isFinite(v)));
    if (!ok) fail(`${at}${at ? '.' : ''}${key}`, `${kind === 'object' ? 'an object' : `a ${kind}`}${nullable ? ' or null' : ''}`);
    return v;
  };
  if (typeof value !== 'object' || value === null) fail('top level', 'an object');
  get(value, 'ok', '', 'boolean');
  get(value, 'source', '', 'string');
  for (const key of ['seed', 'runs', 'steps', 'slack']) get(value, key, '', 'number');
  get(value, 'growth', '', 'number', true);
  get(value, 'version', '', 'string');
  const root = value as Record<string, unknown>;
  if (root.lawsFile !== undefined) get(value, 'lawsFile', '', 'string');
  if (root.key !== undefined) get(value, 'key', '', 'string');
  (root.laws as unknown[]).forEach((law, i) => {
    const at = `laws[${i}]`;
    if (typeof law !== 'object' || law === null) fail(at, 'an object');
    get(law, 'id', at, 'string');
    get(law, 'ok', at, 'boolean');
    get(law, 'rank', at, 'number', true);
    for (const key of ['tolerance', 'allowed', 'runs', 'worstRatio']) get(law, key, at, 'number');
    const replay = get(law, 'replay', at, 'object');
    get(replay, 'seed', `${at}.replay`, 'number');
    get(replay, 'path', `${at}.replay`, 'string', true);
    const x = get(law, 'counterexample', at, 'object', true);
    if (x !== null) {
      const xAt = `${at}.counterexample`;
      get(x, 'where', xAt, 'string');
      for (const key of ['step', 'steps', 'bound', 'allowed', 'shrinks']) get(x, key, xAt, 'number');
      get(x, 'residual', xAt, 'number', true);
      const states = (x as Record<string, unknown>).states;
      if (!Array.isArray(states) || states.length === 0 || !states.every((u) => Array.isArray(u) && u.every((v) => typeof v === 'number')))
        fail(`${xAt}.states`, 'a non-empty array of arrays of numbers');
    }
    if ((law as Record<string, unknown>).exhaustive !== undefined) {
      const ex = get(law, 'exhaustive', at, 'object');
      for (const key of ['transitions', 'exceeding']) get(ex, key, `${at}.exhaustive`, 'number');
    }
  });
  return value as CheckReport;
}
