/**
 * Reader for long-format CSV: header `traj,t,z0,…,z{d-1}`, one state per row, rows in any order.
 *
 * Parsed by hand rather than with a CSV package: every cell is a bare number or label, so the whole
 * dialect is "split on commas", and owning the loop is what lets every error name its line and
 * column. Quoting is the one CSV feature we do not need, so a quoted cell is rejected explicitly
 * instead of being half-supported.
 */
import { InputError } from '../errors.js';
import { describeContent, quote, type RawTrajectory } from './validate.js';

/** Decimal numbers only: `Number()` would also accept '', ' ', '0x1f' and '1_0'-free oddities. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** What numpy and pandas write for non-finite values; parsed so the shared check can name the spot. */
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

interface Row {
  t: number;
  line: number;
  values: number[];
}

function parseNumber(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  const m = NON_FINITE.exec(cell);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/**
 * Decode a long-format CSV into trajectories, ordered by `traj` (numerically when every label is a
 * number), each sorted by `t`.
 * @throws InputError naming the line and column at fault
 */
export function readCsv(file: string, bytes: Uint8Array): RawTrajectory[] {
  const kind = describeContent(bytes);
  if (kind !== 'CSV text' && kind !== 'text' && kind !== 'blank text')
    throw new InputError(file, `not a CSV file (content looks like ${kind})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(file, 'not a CSV file (content is not valid UTF-8 text)');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  const headerIdx = lines.findIndex((l) => l.trim() !== '');
  if (headerIdx < 0) throw new InputError(file, 'has no header line (expected traj,t,z0,...)');

  const header = splitCells(file, lines[headerIdx], headerIdx + 1, null);
  checkHeader(file, header, lines[headerIdx], headerIdx + 1);
  const dim = header.length - 2;
  const colName = (c: number): string | undefined => header[c];

  const groups = new Map<string, { numeric: boolean; rows: Row[] }>();
  for (let li = headerIdx + 1; li < lines.length; li++) {
    const raw = lines[li];
    if (raw.trim() === '') continue; // blank lines (including the trailing newline) carry nothing
    const line = li + 1;
    const cells = splitCells(file, raw, line, colName);
    if (cells.length !== header.length)
      throw new InputError(file, `line ${line}: row has ${cells.length} cells, expected ${header.length} (${header.join(',')})`);
    const trajCell = cells[0];
    if (trajCell === '') throw new InputError(file, `line ${line}, column traj: missing value`);
    const trajNum = parseNumber(trajCell);
    // Numeric labels are grouped by value so "1" and "1.0" are the same trajectory.
    const numeric = trajNum !== undefined && Number.isFinite(trajNum);
    const label = numeric ? String(trajNum) : trajCell;
    const tCell = cells[1];
    if (tCell === '') throw new InputError(file, `line ${line}, column t: missing value`);
    const t = parseNumber(tCell);
    if (t === undefined || !Number.isSafeInteger(t))
      throw new InputError(file, `line ${line}, column t: ${quote(tCell)} is not an integer time step`);
    const values = new Array<number>(dim);
    for (let j = 0; j < dim; j++) {
      const cell = cells[j + 2];
      if (cell === '') throw new InputError(file, `line ${line}, column ${header[j + 2]}: missing value`);
      const v = parseNumber(cell);
      if (v === undefined) throw new InputError(file, `line ${line}, column ${header[j + 2]}: ${quote(cell)} is not a number`);
      values[j] = v;
    }
    let g = groups.get(label);
    if (!g) groups.set(label, (g = { numeric, rows: [] }));
    g.rows.push({ t, line, values });
  }
  if (groups.size === 0) throw new InputError(file, `has a header but no data rows`);

  const labels = [...groups.keys()];
  const allNumeric = [...groups.values()].every((g) => g.numeric);
  labels.sort(allNumeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));

  return labels.map((label) => {
    const rows = groups.get(label)!.rows;
    rows.sort((a, b) => a.t - b.t);
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1];
      const cur = rows[i];
      if (cur.t === prev.t)
        throw new InputError(file, `line ${Math.max(cur.line, prev.line)}: duplicate row for traj=${label}, t=${cur.t} (also on line ${Math.min(cur.line, prev.line)})`);
      if (cur.t !== prev.t + 1)
        throw new InputError(
          file,
          `trajectory traj=${label}: t jumps from ${prev.t} (line ${prev.line}) to ${cur.t} (line ${cur.line}); a gap breaks the transition chain`,
        );
    }
    const values = new Float64Array(rows.length * dim);
    rows.forEach((r, i) => values.set(r.values, i * dim));
    return {
      values,
      length: rows.length,
      dim,
      name: `(traj=${label})`,
      where: (step: number) => `(t=${rows[step].t}, line ${rows[step].line})`,
    };
  });
}

/** Split one line on commas and trim cells; refuse quotes rather than mis-split a quoted comma. */
function splitCells(file: string, raw: string, line: number, colName: ((c: number) => string | undefined) | null): string[] {
  const cells = raw.split(',').map((c) => c.trim());
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c];
    if (cell.includes('"')) {
      const where = `line ${line}, column ${colName?.(c) ?? c + 1}`;
      throw new InputError(file, `${where}: quoted cell ${quote(cell)} is not supported; write bare numbers and names`);
    }
  }
  return cells;
}

function checkHeader(file: string, header: string[], raw: string, line: number): void {
  const at = line === 1 ? 'header' : `header (line ${line})`;
  if (header.length < 3) {
    const sep = [';', '\t', '|'].find((s) => raw.includes(s));
    const hint = sep ? `; the file seems to use ${JSON.stringify(sep)} as separator, only ',' is supported` : '';
    throw new InputError(file, `${at} has ${header.length} column${header.length === 1 ? '' : 's'}, expected traj,t,z0,...,z{d-1}${hint}`);
  }
  const expected = ['traj', 't', ...header.slice(2).map((_, j) => `z${j}`)];
  for (let c = 0; c < header.length; c++) {
    if (header[c] === expected[c]) continue;
    const hint =
      c === 0 && header[0] === '' && header[1] === 'traj' ? ' (an unnamed index column? write with pandas index=False)' : '';
    throw new InputError(file, `${at} column ${c + 1} is ${quote(header[c])}, expected "${expected[c]}"${hint}`);
  }
}
