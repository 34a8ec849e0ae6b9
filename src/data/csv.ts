/**
 * Reader for long-format CSV: header `traj,t,z0,…,z{d-1}`, one state per row, rows in any order.
 *
 * Cells are split by csv-parse, so files written by pandas, R and spreadsheets load as written:
 * quoted cells, CRLF, a BOM, and a leading index column (pandas' unnamed index, R's row names) whose
 * header cell is empty, which is dropped. Every cell is then checked here, so that errors name
 * their line and column.
 */
import { parse } from 'csv-parse/sync';
import { errorMessage, InputError } from '../errors.js';
import { assembleLongFormat } from './long-format.js';
import { describeContent, oneLine, quote, type RawTrajectory } from './validate.js';

/** Decimal numbers only: `Number()` would also accept '', ' ', '0x1f' and '1_0'-free oddities. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** What numpy and pandas write for non-finite values; parsed so the shared check can name the spot. */
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

/** The rows read so far, in arrays sized for the most rows the text can hold (nothing is copied as they grow). */
interface CsvTable {
  header: string[];
  /** 1 when a leading index column is dropped. */
  skip: number;
  dim: number;
  rows: number;
  lines: Int32Array;
  labels: string[];
  t: Float64Array;
  values: Float64Array;
}

function parseNumber(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  const m = NON_FINITE.exec(cell);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** The file as text, refusing content that is plainly not CSV. */
function decodeText(file: string, bytes: Uint8Array): string {
  const kind = describeContent(bytes);
  if (kind !== 'CSV text' && kind !== 'text' && kind !== 'blank text')
    throw new InputError(file, `not a CSV file (content looks like ${kind})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(file, 'not a CSV file (content is not valid UTF-8 text)');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Hand each record to `onRecord` with the line it ends on, as csv-parse splits it; records are not
 * kept, so a large file is held once as text and once as numbers.
 */
function eachRecord(file: string, text: string, onRecord: (cells: string[], line: number) => void): void {
  try {
    parse(text, {
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context: { lines: number }) => {
        // A line of blanks is skipped like an empty one.
        if (!(record.length === 1 && record[0] === '')) onRecord(record, context.lines);
        return null;
      },
    });
  } catch (err) {
    if (err instanceof InputError) throw err;
    const line = (err as { lines?: unknown }).lines;
    const where = typeof line === 'number' ? `line ${line}: ` : '';
    throw new InputError(file, `${where}${csvProblem(err)}`);
  }
}

/** An upper bound on the records of `text`: one per line. */
function lineCount(text: string): number {
  let lf = 0;
  let cr = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lf++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) cr++;
  return Math.max(lf, cr) + 1;
}

function csvProblem(err: unknown): string {
  switch ((err as { code?: unknown }).code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'the file ends inside a quoted cell (a closing quote is missing)';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows a closing quote inside a cell';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted cell (quote the whole cell and double the inner quote)';
    default:
      return `not valid CSV (${oneLine(errorMessage(err))})`;
  }
}

/**
 * Decode a long-format CSV into trajectories, ordered by `traj` (numerically when every label is a
 * number), each sorted by `t`.
 * @throws InputError naming the line and column at fault
 */
export function readCsv(file: string, bytes: Uint8Array): RawTrajectory[] {
  const text = decodeText(file, bytes);
  const capacity = lineCount(text);
  let table: CsvTable | undefined;
  eachRecord(file, text, (cells, line) => {
    if (table) readRow(file, table, cells, line);
    else table = startTable(file, cells, line, capacity);
  });
  if (!table) throw new InputError(file, 'has no header line (expected traj,t,z0,...)');
  const { rows, dim, lines, labels } = table;
  if (rows === 0) throw new InputError(file, `has a header but no data rows`);
  return assembleLongFormat(file, {
    rows,
    dim,
    traj: (r) => labels[r],
    t: table.t.subarray(0, rows),
    values: table.values.subarray(0, rows * dim),
    place: (r) => `line ${lines[r]}`,
  });
}

/** Check the header and size the table for `capacity` rows at most. */
function startTable(file: string, header: string[], line: number, capacity: number): CsvTable {
  // pandas' to_csv() and R's write.csv() add a first column of row labels under an empty header cell.
  const skip = header.length > 1 && header[0] === '' && header[1] === 'traj' ? 1 : 0;
  checkHeader(file, header, skip, line);
  const dim = header.length - skip - 2;
  return {
    header, skip, dim, rows: 0,
    lines: new Int32Array(capacity),
    labels: [],
    t: new Float64Array(capacity),
    values: new Float64Array(new SharedArrayBuffer(capacity * dim * Float64Array.BYTES_PER_ELEMENT)),
  };
}

/** Check one data row's cells and append them to the table. */
function readRow(file: string, table: CsvTable, cells: string[], line: number): void {
  const { header, skip, dim, rows: r } = table;
  if (cells.length !== header.length)
    throw new InputError(file, `line ${line}: row has ${cells.length} cells, expected ${header.length} (${header.join(',')})`);
  table.lines[r] = line;
  table.labels.push(trajLabel(file, cells[skip].trim(), line));
  table.t[r] = timeStep(file, cells[skip + 1].trim(), line);
  for (let j = 0; j < dim; j++) {
    // Quoted cells keep their inner blanks (" 3 "); a number is read without them.
    const cell = cells[skip + 2 + j].trim();
    if (cell === '') throw new InputError(file, `line ${line}, column z${j}: missing value`);
    const v = parseNumber(cell);
    if (v === undefined) throw new InputError(file, `line ${line}, column z${j}: ${quote(cell)} is not a number`);
    table.values[r * dim + j] = v;
  }
  table.rows = r + 1;
}

/** Numeric labels are grouped by value so "1" and "1.0" are the same trajectory. */
function trajLabel(file: string, cell: string, line: number): string {
  if (cell === '') throw new InputError(file, `line ${line}, column traj: missing value`);
  const n = parseNumber(cell);
  return n !== undefined && Number.isFinite(n) ? String(n) : cell;
}

function timeStep(file: string, cell: string, line: number): number {
  if (cell === '') throw new InputError(file, `line ${line}, column t: missing value`);
  const t = parseNumber(cell);
  if (t === undefined || !Number.isSafeInteger(t)) throw new InputError(file, `line ${line}, column t: ${quote(cell)} is not an integer time step`);
  return t;
}

function checkHeader(file: string, header: string[], skip: number, line: number): void {
  const at = line === 1 ? 'header' : `header (line ${line})`;
  const columns = header.length - skip;
  if (columns < 3) {
    const raw = header.join(',');
    const sep = [';', '\t', '|'].find((s) => raw.includes(s));
    const hint = sep ? `; the file seems to use ${JSON.stringify(sep)} as separator, only ',' is supported` : '';
    throw new InputError(file, `${at} has ${columns} column${columns === 1 ? '' : 's'}, expected traj,t,z0,...,z{d-1}${hint}`);
  }
  const expected = ['traj', 't', ...header.slice(skip + 2).map((_, j) => `z${j}`)];
  for (let c = 0; c < columns; c++) {
    if (header[skip + c] !== expected[c])
      throw new InputError(file, `${at} column ${skip + c + 1} is ${quote(header[skip + c])}, expected "${expected[c]}"`);
  }
}
