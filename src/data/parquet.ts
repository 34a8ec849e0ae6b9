/**
 * Reader for long-format Parquet (pandas `to_parquet`, polars, pyarrow): columns `traj`, `t`,
 * `z0`…`z{d-1}` in any order, one state per row, rows in any order; the same layout as CSV and
 * grouped by the same rules. pandas' saved index columns (`__index_level_0__`) are skipped.
 *
 * Decoded by hyparquet (pure JavaScript, asynchronous), with the usual codecs from
 * hyparquet-compressors. The file is read one column of one row group at a time through the file
 * descriptor, so a large file is not held as bytes while its values are decoded.
 */
import { closeSync } from 'node:fs';
import type { AsyncBuffer, DecodedArray, FileMetaData, SchemaElement } from 'hyparquet';
import { errorMessage, InputError } from '../errors.js';
import { assembleLongFormat, type LongTable } from './long-format.js';
import { describeContent, openInput, oneLine, readFully, sharedFloat64, type RawTrajectory } from './validate.js';

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
    const [{ parquetMetadataAsync, parquetScan }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
    const file: AsyncBuffer = { byteLength: size, slice: (start, end = size) => readRange(fd, path, start, end) };
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (err) {
      throw new InputError(path, `corrupt Parquet footer (${oneLine(errorMessage(err), 120)})`);
    }
    const { dim, columns } = columnLayout(path, metadata.schema);
    const table = emptyTable(path, metadata, dim);
    const scan = await parquetScan({ file, metadata, columns, compressors });
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const [rowStart, rowEnd] = [table.groupStarts[g], table.groupStarts[g + 1]];
      for (const column of columns) {
        let data: DecodedArray;
        try {
          data = await scan.readColumn({ column, rowStart, rowEnd });
        } catch (err) {
          throw new InputError(path, `row group ${g}, column ${column}: ${oneLine(errorMessage(err).replace(/^parquet /, ''), 160)}`);
        }
        store(path, table, column, data, rowStart);
      }
    }
    return assembleLongFormat(path, table);
  } finally {
    closeSync(fd);
  }
}

function readRange(fd: number, path: string, start: number, end: number): ArrayBuffer {
  const bytes = new Uint8Array(Math.max(0, end - start));
  readFully(fd, bytes, start, path);
  return bytes.buffer;
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
