/**
 * Reader for long-format Parquet (pandas `to_parquet`, polars, pyarrow): columns `traj`, `t`,
 * `z0`…`z{d-1}` in any order, one state per row, rows in any order; the same layout as CSV and
 * grouped by the same rules. pandas' saved index columns (`__index_level_0__`) are skipped.
 *
 * Decoded by hyparquet (pure JavaScript, asynchronous), with the usual codecs from
 * hyparquet-compressors, one column of one row group at a time, in a worker thread with a time limit
 * (./parquet-decoder.ts).
 */
import { closeSync } from 'node:fs';
import type { DecodedArray, FileMetaData, SchemaElement } from 'hyparquet';
import { InputError } from '../errors.js';
import { openParquet } from './parquet-decoder.js';
import { assembleLongFormat, type LongTable } from './long-format.js';
import { sharedFloat64 } from './shared-memory.js';
import { describeContent, openInput, oneLine, readFully, type RawTrajectory } from './validate.js';

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1
const INDEX_COLUMN = /^__index_level_\d+__$/;
const NUMERIC_TYPES = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** The table being filled, and how to name a row in messages. */
interface Filling extends LongTable {
  labels: string[];
  groupStarts: number[];
}

/**
 * Decode a long-format Parquet file into trajectories, ordered by `traj`, each sorted by `t`.
 * @throws InputError naming the file and the column, row and row group at fault
 */
export async function readParquet(path: string, size: number): Promise<RawTrajectory[]> {
  const fd = openInput(path);
  try {
    checkMagic(fd, path, size);
  } finally {
    closeSync(fd);
  }
  const file = await openParquet(path, size);
  try {
    const { dim, columns } = columnLayout(path, file.metadata.schema);
    const table = emptyTable(path, file.metadata, dim);
    await file.select(columns);
    // One column is decoded ahead while the previous one is stored, so the two threads overlap.
    const chunks = file.metadata.row_groups.flatMap((_, g) => columns.map((column) => ({ g, column })));
    const request = ({ g, column }: (typeof chunks)[number]) => {
      const chunk = file.metadata.row_groups[g].columns.find((c) => c.meta_data?.path_in_schema.join('.') === column);
      return file.readColumn(g, column, table.groupStarts[g], table.groupStarts[g + 1], Number(chunk?.meta_data?.total_compressed_size ?? 0));
    };
    let next = request(chunks[0]);
    for (let k = 0; k < chunks.length; k++) {
      const data = await next;
      if (k + 1 < chunks.length) (next = request(chunks[k + 1])).catch(() => {}); // awaited next round, unless storing fails
      store(path, table, chunks[k].column, data, table.groupStarts[chunks[k].g]);
    }
    return assembleLongFormat(path, table);
  } finally {
    file.close();
  }
}

/** A Parquet file starts and ends with `PAR1`; a file that only starts with it was cut short. */
function checkMagic(fd: number, path: string, size: number): void {
  const head = new Uint8Array(Math.min(size, 4096));
  readFully(fd, head, 0, path);
  if (size < 4 || !MAGIC.every((b, i) => head[i] === b))
    throw new InputError(path, `not a Parquet file (no PAR1 magic; content looks like ${describeContent(head)})`);
  const tail = new Uint8Array(4);
  if (size >= 12) readFully(fd, tail, size - 4, path);
  if (size < 12 || !MAGIC.every((b, i) => tail[i] === b))
    throw new InputError(path, `truncated: the file does not end with the Parquet footer (PAR1); was it still being written?`);
}

/** The columns to read (traj, t, z0…z{d-1}) after checking names and types; pandas index columns are left out. */
function columnLayout(path: string, schema: SchemaElement[]): { dim: number; columns: string[] } {
  const leaves = schema.slice(1);
  const nested = leaves.find((e) => (e.num_children ?? 0) > 0);
  if (nested) throw new InputError(path, `column ${JSON.stringify(nested.name)} is nested; expected flat columns traj, t, z0, z1, …`);
  const names = leaves.map((e) => e.name);
  const dim = names.filter((n) => /^z\d+$/.test(n)).length;
  const wanted = ['traj', 't', ...Array.from({ length: dim }, (_, j) => `z${j}`)];
  const has = `it has ${names.map((n) => JSON.stringify(n)).join(', ')}`;
  for (const name of wanted.slice(0, 2))
    if (!names.includes(name)) throw new InputError(path, `has no "${name}" column; expected columns traj, t, z0…z{d-1}; ${has}`);
  if (dim === 0) throw new InputError(path, `has no coordinate columns z0, z1, …; ${has}`);
  const missing = wanted.find((n) => !names.includes(n));
  if (missing) throw new InputError(path, `has ${dim} coordinate columns but no "${missing}"; expected z0…z${dim - 1}`);
  const extra = names.find((n) => !wanted.includes(n) && !INDEX_COLUMN.test(n));
  if (extra) throw new InputError(path, `column ${JSON.stringify(extra)} is not one of traj, t, z0…z${dim - 1}`);
  for (const element of leaves) {
    const numeric = NUMERIC_TYPES.has(element.type ?? '') || element.logical_type?.type === 'FLOAT16';
    if (element.name !== 'traj' && wanted.includes(element.name) && !numeric)
      throw new InputError(path, `column ${element.name} has type ${element.logical_type?.type ?? element.converted_type ?? element.type}; expected numbers (INT32, INT64, FLOAT, DOUBLE)`);
  }
  return { dim, columns: wanted };
}

function emptyTable(path: string, metadata: FileMetaData, dim: number): Filling {
  const groupStarts = [0];
  for (const g of metadata.row_groups) groupStarts.push(groupStarts[groupStarts.length - 1] + Number(g.num_rows));
  const rows = groupStarts[groupStarts.length - 1];
  if (rows === 0) throw new InputError(path, 'has no rows');
  const labels = new Array<string>(rows);
  const place = (row: number): string => {
    let g = 0;
    while (groupStarts[g + 1] <= row) g++;
    return `row ${row} in row group ${g}`;
  };
  return { rows, dim, labels, groupStarts, traj: (r) => labels[r], t: new Float64Array(rows), values: sharedFloat64(rows * dim), place };
}

/** Copy one column of a row group (its rows from `rowStart` on) into the table, checking each cell. */
function store(path: string, table: Filling, columnName: string, columnData: DecodedArray, rowStart: number): void {
  const end = rowStart + columnData.length;
  const at = (row: number): unknown => columnData[row - rowStart];
  const fail = (row: number, what: string): never => {
    throw new InputError(path, `${table.place(row)}, column ${columnName}: ${what}`);
  };
  const number = (row: number): number => {
    const v = at(row);
    if (v === null || v === undefined) return fail(row, 'missing value');
    const n = typeof v === 'bigint' ? Number(v) : v;
    return typeof n === 'number' ? n : fail(row, `${oneLine(String(v), 40)} is not a number`);
  };
  if (columnName === 'traj') {
    for (let row = rowStart; row < end; row++) {
      const v = at(row);
      if (v === null || v === undefined || v === '') fail(row, 'missing value');
      table.labels[row] = typeof v === 'string' ? v : String(number(row));
    }
  } else if (columnName === 't') {
    for (let row = rowStart; row < end; row++) {
      const t = number(row);
      if (!Number.isSafeInteger(t)) fail(row, `${t} is not an integer time step`);
      table.t[row] = t;
    }
  } else {
    const j = Number(columnName.slice(1));
    const { values, dim } = table;
    for (let row = rowStart; row < end; row++) values[row * dim + j] = number(row);
  }
}
