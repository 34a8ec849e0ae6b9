/**
 * Long-format tables (one state per row: a trajectory label, an integer time step, the coordinates),
 * as CSV and Parquet files hold them. The format modules read cells; the rules of the layout live
 * here once, so both formats group, order and refuse rows the same way: rows in any order, grouped
 * by label (numeric labels by value and in numeric order), each trajectory sorted by time step, no
 * duplicate and no missing step.
 */
import { InputError } from '../errors.js';
import type { RawTrajectory } from './validate.js';

/** A long-format table as a format module read it, rows in file order. */
export interface LongTable {
  rows: number;
  dim: number;
  /** The trajectory label of a row; a numeric label is written as `String(number)` so 1 and 1.0 agree. */
  traj: (row: number) => string;
  /** The time step of each row, already checked to be a safe integer. */
  t: Float64Array;
  /** `rows × dim` coordinates in file row order, row-major, in shared memory. */
  values: Float64Array;
  /** Where a row is in the file, for messages: `line 12`, `row 7 of row group 0`. */
  place: (row: number) => string;
}

/** Rows grouped by trajectory: `order` lists the rows of the first trajectory, then the next, … */
interface Grouping {
  labels: string[];
  starts: Int32Array;
  order: Int32Array;
}

const isNumericLabel = (label: string): boolean => {
  const n = Number(label);
  return Number.isFinite(n) && String(n) === label;
};

/** Bucket the rows by label, keeping file order inside each bucket; buckets in label order. */
function groupRows(table: LongTable): Grouping {
  const groupOf = new Map<string, number>();
  const firstLabels: string[] = [];
  const groupIndex = new Int32Array(table.rows);
  const counts: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const label = table.traj(r);
    let g = groupOf.get(label);
    if (g === undefined) {
      g = firstLabels.length;
      groupOf.set(label, g);
      firstLabels.push(label);
      counts.push(0);
    }
    groupIndex[r] = g;
    counts[g]++;
  }
  const byLabel = firstLabels.map((_, g) => g);
  if (firstLabels.every(isNumericLabel)) byLabel.sort((a, b) => Number(firstLabels[a]) - Number(firstLabels[b]));
  else byLabel.sort((a, b) => (firstLabels[a] < firstLabels[b] ? -1 : firstLabels[a] > firstLabels[b] ? 1 : 0));
  const starts = new Int32Array(byLabel.length + 1);
  const next = new Int32Array(byLabel.length);
  byLabel.forEach((g, rank) => {
    starts[rank + 1] = starts[rank] + counts[g];
    next[g] = starts[rank];
  });
  const order = new Int32Array(table.rows);
  for (let r = 0; r < table.rows; r++) order[next[groupIndex[r]]++] = r;
  return { labels: byLabel.map((g) => firstLabels[g]), starts, order };
}

/** Sort one trajectory's rows by time step (skipped when already sorted), then refuse duplicates and gaps. */
function orderByTime(file: string, table: LongTable, rows: Int32Array, label: string): void {
  const t = table.t;
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = t[rows[i - 1]] <= t[rows[i]];
  if (!sorted) rows.sort((a, b) => t[a] - t[b] || a - b);
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1];
    const cur = rows[i];
    if (t[cur] === t[prev])
      throw new InputError(file, `${table.place(Math.max(cur, prev))}: duplicate row for traj=${label}, t=${t[cur]} (also on ${table.place(Math.min(cur, prev))})`);
    if (t[cur] !== t[prev] + 1)
      throw new InputError(
        file,
        `trajectory traj=${label}: t jumps from ${t[prev]} (${table.place(prev)}) to ${t[cur]} (${table.place(cur)}); a gap breaks the transition chain`,
      );
  }
}

/** The values in trajectory order: the table's own array when the file was already in that order. */
function valuesInOrder(table: LongTable, order: Int32Array): Float64Array {
  const { values, dim } = table;
  const inPlace = order.every((row, i) => row === i) && values.buffer instanceof SharedArrayBuffer;
  if (inPlace) return values;
  const out = new Float64Array(new SharedArrayBuffer(order.length * dim * Float64Array.BYTES_PER_ELEMENT));
  for (let i = 0; i < order.length; i++) out.set(values.subarray(order[i] * dim, order[i] * dim + dim), i * dim);
  return out;
}

/**
 * Turn a long-format table into trajectories in label order, each sorted by time step.
 * @throws InputError naming the rows (by their place) of a duplicate or a gap
 */
export function assembleLongFormat(file: string, table: LongTable): RawTrajectory[] {
  const { labels, starts, order } = groupRows(table);
  labels.forEach((label, k) => orderByTime(file, table, order.subarray(starts[k], starts[k + 1]), label));
  const values = valuesInOrder(table, order);
  const { dim } = table;
  return labels.map((label, k) => {
    const rows = order.subarray(starts[k], starts[k + 1]);
    return {
      values: values.subarray(starts[k] * dim, starts[k + 1] * dim),
      length: rows.length,
      dim,
      name: `(traj=${label})`,
      where: (step: number) => `(t=${table.t[rows[step]]}, ${table.place(rows[step])})`,
    };
  });
}
