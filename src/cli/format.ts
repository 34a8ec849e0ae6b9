/**
 * The human-readable report of a fit: ranked laws with their statement, exact constants, metrics and
 * subspace bases, the Pareto front, and the provenance needed to reproduce the run.
 */
import { styleText } from 'node:util';
import { describeContinuousTime } from '../engine/output/continuous-time.js';
import type { FitResult, Law } from '../types.js';

const useColor = () => process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (s: string) => (useColor() ? styleText('bold', s) : s);
const dim = (s: string) => (useColor() ? styleText('dim', s) : s);

const pct = (x: number) => `${(100 * x).toFixed(x >= 0.9995 ? 2 : 1)}%`;
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const num = (x: number) => Number(x.toPrecision(6)).toString();

function formatBasis(law: Law): string[] {
  if (law.subspace.kind === 'coordinates' || law.subspace.kind === 'full') return [];
  return law.subspace.basis.map((row, i) => dim(`    b${i + 1} = [${row.map((v) => v.toFixed(4)).join(', ')}]`));
}

export function formatProvenance(r: FitResult): string {
  const p = r.provenance;
  return (
    `latent-laws ${p.version} · ${p.source} (${p.nTrajectories} trajectories, ${p.nTransitions} transitions, d=${p.dim})` +
    (r.dt !== undefined ? ` · dt ${r.dt}` : '') +
    ` · grammar ${p.grammar} · seed ${p.seed} · ${p.workers} worker${p.workers === 1 ? '' : 's'} · ${(p.elapsedMs / 1000).toFixed(1)} s`
  );
}

export function formatFitResult(r: FitResult): string {
  const lines: string[] = [formatProvenance(r)];
  const p = r.provenance;
  lines.push(dim(`screened ${p.candidatesScreened} candidates, refitted ${p.finalists} finalists${p.failures.length ? `, ${p.failures.length} failed (skipped)` : ''}`));
  if (p.scale) lines.push(dim(`scaled: ${p.scale.note}`));
  if (p.interrupted) lines.push(bold('interrupted: these are the laws ranked from the work finished so far'));
  if (r.laws.length === 0) {
    lines.push('', 'No law found: no candidate beat the null model on at least half of the transitions.');
    lines.push(...formatComplement(r));
    return lines.join('\n');
  }
  lines.push('');
  for (const law of r.laws) {
    const m = law.metrics;
    lines.push(
      `${bold(`${law.rank}. ${law.family}`)} ${dim(`@ ${law.subspace.label}`)}  inliers ${pct(m.inlierFraction)}` +
        `  rel.err ${sci(m.inlierRelativeError)} (all ${sci(m.relativeError)})  tol ${sci(m.tolerance)}  DL ${m.descriptionLength.toFixed(0)} bits`,
    );
    lines.push(`   ${law.summary}`);
    for (const eq of law.equations) lines.push(`   ${eq}`);
    const exact = law.parameters.filter((q) => q.exact);
    if (exact.length) lines.push(dim(`   exact: ${exact.map((q) => `${q.name} = ${q.exact} (fitted ${num(q.value)})`).join(', ')}`));
    if (law.continuousTime && r.dt !== undefined) lines.push(`   continuous time (dt = ${r.dt}): ${describeContinuousTime(law.continuousTime, r.dt)}`);
    const alternatives = law.notes.filter((n) => n.startsWith('also fits'));
    if (alternatives.length) lines.push(dim(`   ${alternatives.join('; ')}`));
    lines.push(...formatBasis(law));
    if (law.outliers.length) lines.push(dim(`   ${law.outliers.length} outlier transitions (indices in --json)`));
  }
  lines.push(...formatComplement(r));
  if (r.pareto.length) {
    lines.push('', dim('Pareto front (complexity bits → relative error):'));
    for (const q of r.pareto) {
      // Errors of finalists settled on the screening sample are the sample's estimates (--measure-all-finalists).
      const mark = q.chosen ? '  (reported)' : q.sampleOnly ? '  (estimated on the sample)' : '';
      lines.push(dim(`   ${q.complexity.toFixed(1).padStart(8)} → ${sci(q.relativeError)}  ${q.family} @ ${q.subspace}${mark}`));
    }
  }
  return lines.join('\n');
}

/** One line on the directions no law covers: noise, or structure left. */
function formatComplement(r: FitResult): string[] {
  const c = r.complement;
  if (!c) return [];
  const what = c.dim === 1 ? '1 direction' : `${c.dim} directions`;
  return ['', `Not covered by these laws: ${what}, RMS ${sci(c.rms)} each, ${c.verdict} (a linear fit predicts ${pct(c.predictedShare)} of their value one or two steps on)`];
}
