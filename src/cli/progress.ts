/**
 * Progress for long work: a cli-progress bar on stderr when stderr is a terminal and output is not
 * JSON; silent otherwise (logs and pipes stay clean).
 */
import cliProgress from 'cli-progress';
import type { FitProgress } from '../engine/fit.js';

export interface ProgressReporter {
  update(p: FitProgress): void;
  stop(): void;
}

const STAGE_LABEL: Record<FitProgress['stage'], string> = {
  moments: 'moments   ',
  subspaces: 'subspaces ',
  screening: 'screening ',
  finalists: 'finalists ',
  evaluating: 'evaluating',
  complement: 'complement',
};

export function progressReporter(enabled: boolean): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: '{stage} [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let stage: FitProgress['stage'] | null = null;
  return {
    update(p) {
      if (p.stage !== stage) {
        if (stage) bar.stop();
        stage = p.stage;
        bar.start(p.total, p.done, { stage: STAGE_LABEL[p.stage] });
      } else bar.update(p.done);
    },
    stop() {
      if (stage) bar.stop();
    },
  };
}

/** A single bar for step-counted work (training); `pause` clears it so a log line prints cleanly. */
export function progressBar(enabled: boolean, label: string): { update(done: number, total: number): void; pause(): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, pause: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  return {
    update(done, total) {
      if (!active) {
        bar.start(total, done);
        active = true;
      } else bar.update(done);
    },
    pause() {
      if (active) bar.stop();
      active = false;
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
