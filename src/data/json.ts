/**
 * Reader for JSON trajectory files: `{"trajectories": [[[...], ...], ...]}`, a bare list of
 * trajectories `[[[...], ...], ...]`, or a bare single trajectory `[[...], ...]`.
 */
import { errorMessage, InputError } from '../errors.js';
import { describeContent, quote, type RawTrajectory } from './validate.js';

/**
 * Decode a JSON trajectory file. Trajectories may differ in length but not in dimension.
 * @throws InputError naming the line and column of a syntax error, or the JSON path of a bad value
 */
export function readJson(file: string, bytes: Uint8Array): RawTrajectory[] {
  const kind = describeContent(bytes);
  if (kind !== 'JSON' && kind !== 'text' && kind !== 'CSV text' && kind !== 'blank text')
    throw new InputError(file, `not a JSON file (content looks like ${kind})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(file, 'not a JSON file (content is not valid UTF-8 text)');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // JSON.parse rejects a BOM
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, syntaxMessage(text, err));
  }

  if (Array.isArray(root)) {
    if (root.length === 0) throw new InputError(file, 'top-level array is empty: no trajectories');
    const first = root[0];
    if (!Array.isArray(first))
      throw new InputError(
        file,
        `top-level array is 1-D ([0] is ${describe(first)}); expected a list of states [[...], ...] or a list of trajectories [[[...], ...], ...]`,
      );
    // Depth is decided by the first element; deeper inconsistencies are reported at their own path.
    if (first.length > 0 && Array.isArray(first[0])) return trajectories(file, root, '');
    return trajectories(file, [root], '', true);
  }
  if (root !== null && typeof root === 'object') {
    const obj = root as Record<string, unknown>;
    if (!('trajectories' in obj)) {
      const keys = Object.keys(obj);
      throw new InputError(
        file,
        `top-level object has no "trajectories" key (keys: ${keys.length ? keys.slice(0, 10).map((k) => quote(k)).join(', ') : 'none'})`,
      );
    }
    const list = obj.trajectories;
    if (!Array.isArray(list))
      throw new InputError(file, `trajectories: expected an array of trajectories, got ${describe(list)}`);
    if (list.length === 0) throw new InputError(file, 'trajectories: the array is empty: no trajectories');
    return trajectories(file, list, 'trajectories');
  }
  throw new InputError(
    file,
    `top-level value is ${describe(root)}; expected an object {"trajectories": [...]} or an array of trajectories`,
  );
}

/** Walk trajectories, checking each value where it sits so errors can name its JSON path. */
function trajectories(file: string, list: unknown[], prefix: string, single = false): RawTrajectory[] {
  let dim = -1;
  const out: RawTrajectory[] = [];
  for (let k = 0; k < list.length; k++) {
    const tPath = single ? prefix : `${prefix}[${k}]`;
    const traj = list[k];
    if (!Array.isArray(traj))
      throw new InputError(file, `${tPath || 'top level'}: expected a trajectory (array of states), got ${describe(traj)}`);
    if (dim < 0 && traj.length > 0) {
      const row0 = traj[0];
      if (!Array.isArray(row0))
        throw new InputError(file, `${tPath}[0]: expected a state (array of numbers), got ${describe(row0)}`);
      dim = row0.length;
    }
    const values = new Float64Array(traj.length * Math.max(dim, 0));
    for (let t = 0; t < traj.length; t++) {
      const rPath = `${tPath}[${t}]`;
      const row = traj[t];
      if (!Array.isArray(row)) throw new InputError(file, `${rPath}: expected a state (array of numbers), got ${describe(row)}`);
      if (row.length !== dim) throw new InputError(file, `${rPath}: row has ${row.length} values, expected ${dim}`);
      for (let j = 0; j < dim; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw new InputError(file, `${rPath}[${j}]: expected a finite number, got ${describe(v)}`);
        if (!Number.isFinite(v)) throw new InputError(file, `${rPath}[${j}]: number is too large (overflows to Infinity)`);
        values[t * dim + j] = v;
      }
    }
    out.push({ values, length: traj.length, dim: Math.max(dim, 0), name: `(${tPath || 'top-level array'})` });
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return `the number ${v}`;
  return String(v);
}

/** Turn V8's JSON.parse error into "line L, column C: what", whatever form V8 used (shared with the laws-file reader). */
export function syntaxMessage(text: string, err: unknown): string {
  const raw = errorMessage(err);
  const m = /at position (\d+)/.exec(raw);
  // V8 omits the position for "Unexpected token" errors, so find it ourselves in that case.
  const pos = m ? Number(m[1]) : /end of JSON input/.test(raw) ? text.length : locateJsonError(text);
  // Drop V8's echo of the input (it may hold newlines) and its position suffix.
  const what = raw
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/\s+/g, ' ');
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - (before.lastIndexOf('\n') + 1) + 1;
  return `invalid JSON at line ${line}, column ${column}: ${what}`;
}

/** Offset of the first character that makes `s` invalid JSON (s.length if it ends too early). */
function locateJsonError(s: string): number {
  const n = s.length;
  let i = 0;
  const stack: string[] = [];
  const ws = (): void => {
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const str = (): boolean => {
    if (s[i] !== '"') return false;
    for (i++; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        i++;
        if (s[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) return false;
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? 'x')) return false;
      }
    }
    return false;
  };
  const key = (): boolean => {
    ws();
    if (!str()) return false;
    ws();
    if (s[i] !== ':') return false;
    i++;
    return true;
  };
  const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let expectValue = true;
  for (;;) {
    ws();
    if (i >= n) return n;
    const c = s[i];
    if (expectValue) {
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (s[i] === (c === '{' ? '}' : ']')) {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(c);
        if (c === '{' && !key()) return i;
        continue;
      }
      if (c === '"') {
        if (!str()) return i;
      } else if (s.startsWith('true', i)) i += 4;
      else if (s.startsWith('false', i)) i += 5;
      else if (s.startsWith('null', i)) i += 4;
      else {
        num.lastIndex = i;
        const m = num.exec(s);
        if (!m || m[0].length === 0) return i;
        i += m[0].length;
      }
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i; // text after a complete value
    if (c === ',') {
      i++;
      if (top === '{' && !key()) return i;
      expectValue = true;
    } else if (c === (top === '{' ? '}' : ']')) {
      stack.pop();
      i++;
    } else return i;
  }
}
