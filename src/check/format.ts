/**
 * The human-readable report of `latent-laws check`: one PASS/FAIL line per law, and for a failure the
 * shrunk counterexample, its residual against the allowed residual, and the command that replays it.
 */
import type { CheckReport, LawCheck } from './run.js';

const sci = (x: number | null) => (x === null ? 'undefined (NaN)' : x === 0 ? '0' : x.toExponential(2));
const pct = (x: number) => `${Math.round(100 * x)}%`;

/** Quote a word for a POSIX shell (single quotes; an embedded ' becomes '\''). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** What the replay command needs besides the law's own seed and path. */
export interface ReplayContext {
  lawsFile: string;
  dataFile: string;
  key?: string;
  steps: number;
  slack: number;
  growth: number | null;
}

/** The command line that replays a failing law's counterexample. */
export function replayCommand(check: LawCheck, ctx: ReplayContext): string {
  const args = ['latent-laws', 'check', ctx.lawsFile, ctx.dataFile];
  if (ctx.key !== undefined) args.push('--key', ctx.key);
  args.push('--law', check.id, '--seed', String(check.replay.seed), '--path', check.replay.path ?? '');
  args.push('--steps', String(ctx.steps), '--slack', String(ctx.slack));
  if (ctx.growth !== null) args.push('--growth', String(ctx.growth));
  return args.map(shellQuote).join(' ');
}

function name(c: LawCheck): string {
  return `law ${c.rank ?? '?'} ${c.id}`;
}

function exhaustiveLine(c: LawCheck): string | null {
  const e = c.exhaustive;
  if (!e) return null;
  const head = `all ${e.transitions} transitions as single steps:`;
  return e.exceeding === 0
    ? `${head} all within the allowed residual (largest ${sci(e.largestResidual)})`
    : `${head} ${e.exceeding} exceed the allowed residual (largest ${sci(Number.isNaN(e.largestResidual) ? null : e.largestResidual)})`;
}

/** Lines describing one law's outcome. */
export function formatLawCheck(c: LawCheck, slack: number): string[] {
  const lines: string[] = [];
  if (c.ok) {
    lines.push(`PASS  ${name(c)}: ${c.runs} cases, largest residual ${pct(c.worstRatio)} of allowed (${sci(c.allowed)} = tolerance ${sci(c.tolerance)} × ${slack})`);
  } else if (!c.counterexample) {
    lines.push(`FAIL  ${name(c)}: the replayed case no longer fails`);
  } else {
    const x = c.counterexample;
    lines.push(`FAIL  ${name(c)}: counterexample after ${c.runs} case${c.runs === 1 ? '' : 's'} (shrunk ${x.shrinks}×): ${x.where}`);
    const growth = x.bound !== c.tolerance ? `grown over ${x.step} steps to ${sci(x.bound)}, ` : '';
    lines.push(`      residual ${sci(x.residual)} > allowed ${sci(x.allowed)} at step ${x.step} of ${x.steps} (tolerance ${sci(c.tolerance)}, ${growth}× slack ${slack})`);
    if (x.states[0].length <= 6) lines.push(`      ${x.states.map((u, j) => `u${j} = [${u.map((v) => v.toPrecision(5)).join(', ')}]`).join('  ')}`);
  }
  const ex = exhaustiveLine(c);
  if (ex) lines.push(`      ${ex}`);
  if (c.replay.command) lines.push(`      replay: ${c.replay.command}`);
  return lines;
}

/** The whole report as text (ends without a newline). */
export function formatCheckReport(r: CheckReport): string {
  const n = r.laws.length;
  const lines = [
    `latent-laws ${r.version} · check ${n} law${n === 1 ? '' : 's'}${r.lawsFile ? ` from ${r.lawsFile}` : ''} on ${r.source}` +
      ` · ${r.runs} cases per law · seed ${r.seed} · segments of 1–${r.steps} step${r.steps === 1 ? '' : 's'} · slack ${r.slack}` +
      (r.growth !== null ? ` · growth ${r.growth}` : ''),
    '',
  ];
  for (const c of r.laws) lines.push(...formatLawCheck(c, r.slack));
  const held = r.laws.filter((c) => c.ok).length;
  lines.push('', held === n ? (n === 1 ? 'The law holds.' : `All ${n} laws hold.`) : `${held} of ${n} laws hold; ${n - held} fail${n - held === 1 ? 's' : ''}.`);
  return lines.join('\n');
}
