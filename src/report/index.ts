/**
 * HTML reports: one self-contained file per fit result, check result, anneal run or sweep folder, drawn with
 * Vega-Lite (inlined) and KaTeX (math rendered to MathML when the report is built). No network requests
 * when opened.
 *
 * @example
 * ```ts
 * const html = buildFitReport(await fit(data, { grammar }), data);
 * writeFileAtomic('report.html', html);
 * ```
 */
import type { AnnealRun } from './anneal-run.js';
import type { SampleFrames } from './anneal-charts.js';

export { buildFitReport, type FitReportOptions } from './fit-report.js';
export { buildAnnealReport, type AnnealReportOptions } from './anneal-report.js';
export { buildCheckReport, type CheckReportOptions } from './check-report.js';
export { buildSweepReport, readSweepFolder, isSweepFolder, type SweepReportOptions, type SweepFolder } from './sweep-report.js';
export { checkLawView, type CheckLawView, type Violation } from './check-view.js';
export { readAnnealRun, type AnnealRun } from './anneal-run.js';
export { lawView, type LawView, type ViewLimits, type PortraitRow } from './views.js';
export type { ReportChart, ReportData } from './html.js';
export type { SampleFrames, EpochPoint } from './anneal-charts.js';

/**
 * Decode sample frames of a finished anneal run read by {@link readAnnealRun} (original, reconstruction,
 * rollout by the first map law) for {@link buildAnnealReport}. Loads TensorFlow.js on first use, hence
 * the indirection.
 */
export async function annealSampleFrames(run: AnnealRun, count = 8): Promise<SampleFrames> {
  return (await import('./anneal-frames.js')).sampleFrames(run, count);
}
