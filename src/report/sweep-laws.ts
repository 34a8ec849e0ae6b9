/**
 * Law emergence across a sweep: inputs arranged into runs and checkpoints by their paths, and the laws
 * of every input grouped by family, dimension and exact constants, each group with its inlier fraction
 * at every checkpoint of every run.
 */
import { naturalCompare } from '../sweep/inputs.js';
import { exactConstantsOf, type SweepRow } from '../sweep/summary.js';
import type { FitResult, Law } from '../types.js';

/** Where an input sits: its run (a folder) and its checkpoint within the run. */
export interface InputPlace {
  run: string;
  checkpoint: string;
}

/**
 * Runs and checkpoints from input names (paths relative to the inputs' common folder): an input is a
 * checkpoint of the folder it is in, its run. A trailing name that every input shares and that holds no
 * number (`latents.npy`) names no checkpoint and is dropped first. So `a/ckpt-10/latents.npy` is
 * checkpoint `ckpt-10` of run `a`, and `a/step-3.npy` is checkpoint `step-3.npy` of run `a`.
 */
export function placeInputs(names: string[]): InputPlace[] {
  const parts = names.map((n) => n.split('/'));
  const atEnd = (p: string[], k: number) => p[p.length - 1 - k];
  let drop = 0;
  const dropable = (k: number) => {
    const name = atEnd(parts[0], k);
    return !/\d/.test(name) && parts.every((p) => p.length > k + 1 && atEnd(p, k) === name);
  };
  while (dropable(drop)) drop++;
  return parts.map((p) => {
    const kept = p.slice(0, p.length - drop);
    return { run: kept.slice(0, -1).join('/') || '.', checkpoint: kept[kept.length - 1] };
  });
}

/** One checkpoint of one run, and the law's inlier fraction there (null: the law was not found there). */
export interface GroupPoint {
  run: string;
  checkpoint: string;
  input: string;
  inlierFraction: number | null;
}

/** Laws of one family, dimension and set of exact constants, across the sweep. */
export interface LawGroup {
  /** `rotation (2-D) · theta = pi/7`: the grouping key, and the group's heading. */
  label: string;
  family: string;
  dim: number;
  exact: string;
  /** The statement of the law in the first input where it holds. */
  example: string;
  /** Inputs where it holds. */
  holds: number;
  /** Every finished input of every run where the law holds somewhere, in natural checkpoint order. */
  points: GroupPoint[];
}

/** A finished input with its fit result. */
export interface FittedInput {
  row: SweepRow;
  place: InputPlace;
  result: FitResult;
}

function labelOf(law: Law): string {
  const exact = exactConstantsOf(law);
  return `${law.family} (${law.subspace.basis.length}-D)${exact ? ` · ${exact}` : ''}`;
}

/** Group the laws of all fitted inputs; groups holding in the most inputs first. */
export function groupLaws(fitted: FittedInput[]): LawGroup[] {
  const groups = new Map<string, LawGroup & { at: Map<string, number> }>();
  for (const { row, result } of fitted) {
    for (const law of result.laws) {
      const label = labelOf(law);
      let g = groups.get(label);
      if (!g) {
        g = { label, family: law.family, dim: law.subspace.basis.length, exact: exactConstantsOf(law), example: law.summary, holds: 0, points: [], at: new Map() };
        groups.set(label, g);
      }
      const q = law.metrics.inlierFraction;
      // Two laws of one group in one input (two rotation planes by the same angle): the better one counts.
      if (!g.at.has(row.input)) g.holds++;
      g.at.set(row.input, Math.max(q, g.at.get(row.input) ?? -1));
    }
  }
  const byCheckpoint = (a: GroupPoint, b: GroupPoint) => naturalCompare(a.run, b.run) || naturalCompare(a.checkpoint, b.checkpoint);
  return [...groups.values()]
    .map(({ at, ...g }) => {
      const runs = new Set(fitted.filter((f) => at.has(f.row.input)).map((f) => f.place.run));
      const points = fitted
        .filter((f) => runs.has(f.place.run))
        .map((f) => ({ run: f.place.run, checkpoint: f.place.checkpoint, input: f.row.name, inlierFraction: at.get(f.row.input) ?? null }))
        .sort(byCheckpoint);
      return { ...g, points };
    })
    .sort((a, b) => b.holds - a.holds || naturalCompare(a.label, b.label));
}
