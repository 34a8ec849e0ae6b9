/**
 * Checks shared by every loader, and the one place that assembles a {@link Dataset}. Format modules
 * only turn bytes into {@link RawTrajectory} values; everything about what makes a usable data set
 * (finite values, consistent dimension, enough transitions) is decided here so the formats agree.
 */
import { openSync, readFileSync, readSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { errorMessage, InputError } from '../errors.js';
import type { Dataset, StateArray } from '../types.js';
import { sharedFloat32, sharedFloat64 } from './shared-memory.js';

/** One trajectory as decoded by a format module, before the shared checks. */
export interface RawTrajectory {
  /** `length × dim` values, row-major: float32 only where the file stores float32 (kept as stored). */
  values: StateArray;
  length: number;
  dim: number;
  /** Extra words after `trajectory k` in messages, e.g. `(member a.npy)` or `(traj=7)`. */
  name?: string;
  /** Extra words after `step i` in messages, e.g. `(t=12, line 40)` for CSV. */
  where?: (step: number) => string;
}

/**
 * Read a whole input file, turning the ways a path can be unusable into one-line {@link InputError}s.
 * Non-regular files are refused up front because reading a FIFO or a terminal would block forever.
 * @param size the file's size from {@link checkInputPath}, when the caller has just checked the path
 */
export function readInputFile(path: string, size = checkInputPath(path)): Uint8Array {
  if (size === 0) throw new InputError(path, 'is empty (0 bytes)');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(path, fsProblem(err));
  }
  // The size can change between stat and read (a file being written); judge what was read.
  if (bytes.length === 0) throw new InputError(path, 'is empty (0 bytes)');
  return bytes;
}

/** Open an input file for reading; the ways a path can be unusable become one-line {@link InputError}s. */
export function openInput(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new InputError(path, fsProblem(err));
  }
}

/** Bytes per read call of {@link readFully}. */
const READ_CHUNK = 1 << 26;

const truncated = (path: string, at: number) => new InputError(path, `truncated: the file ended after ${at} bytes while being read (was it still being written?)`);

/**
 * Fill `into` from file position `position` of an open file; a file that shrank meanwhile is
 * reported as truncated. Large files are read in place this way rather than whole.
 */
export function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    let n: number;
    try {
      n = readSync(fd, into, done, Math.min(into.length - done, READ_CHUNK), position + done);
    } catch (err) {
      throw new InputError(path, fsProblem(err));
    }
    if (n === 0) throw truncated(path, position + done);
    done += n;
  }
}

/** {@link openInput} through the event loop. */
export async function openInputAsync(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw new InputError(path, fsProblem(err));
  }
}

/** Bytes per read of {@link readFullyAsync}, and how many it keeps in flight. */
const ASYNC_CHUNK = 1 << 24;
const ASYNC_READS = 2;

/**
 * {@link readFully} through the event loop, two reads in flight: the kernel's copy into fresh memory
 * (page faults, not the disk, for a cached file) then runs on two threads, 0.1 s instead of 0.19 s
 * for 207 MB on an idle 2-core machine.
 */
export async function readFullyAsync(handle: FileHandle, into: Uint8Array, position: number, path: string): Promise<void> {
  let next = 0;
  // Where the file ended, if it did: the earliest end any read met (a later chunk's read meets it sooner).
  let ended = into.length;
  const lane = async () => {
    for (let at = next; at < Math.min(into.length, ended); at = next) {
      next = at + ASYNC_CHUNK;
      const end = Math.min(at + ASYNC_CHUNK, into.length);
      for (let done = at; done < end; ) {
        let n: number;
        try {
          ({ bytesRead: n } = await handle.read(into, done, end - done, position + done));
        } catch (err) {
          throw new InputError(path, fsProblem(err));
        }
        if (n === 0) {
          ended = Math.min(ended, done);
          return;
        }
        done += n;
      }
    }
  };
  await Promise.all(Array.from({ length: ASYNC_READS }, lane));
  if (ended < into.length) throw truncated(path, position + ended);
}

/**
 * Check that `path` names a readable regular file, without reading it; returns its size in bytes.
 * Lets callers report a missing file before complaining about its extension.
 */
export function checkInputPath(path: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(path, 'is a directory, not a data file');
    if (!st.isFile()) throw new InputError(path, 'is not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, fsProblem(err));
  }
  return size;
}

export function fsProblem(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'no such file (a parent in the path is not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a data file';
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'is too large to load into memory (over 2 GiB)';
    default:
      return `cannot be read (${oneLine(errorMessage(err))})`;
  }
}

/**
 * Guess what some bytes are, for messages such as "content looks like JSON" when the extension and
 * the content disagree. Only the first bytes are looked at, so this is cheap on large files.
 */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty';
  if (bytes[0] === 0x93 && latin1(bytes, 1, 6) === 'NUMPY') return 'a .npy array';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6))
    return 'a zip archive (.npz?)';
  if (bytes[0] === 0x89 && latin1(bytes, 1, 4) === 'PNG') return 'a PNG image';
  if (latin1(bytes, 0, 4) === '%PDF') return 'a PDF document';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip-compressed data';
  const head = bytes.subarray(0, 4096);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head);
  } catch {
    // A multi-byte character cut at the 4096 boundary is not binary; retry without the tail.
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    } catch {
      return 'binary data';
    }
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return 'binary data';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start === '') return 'blank text';
  if (start[0] === '{' || start[0] === '[') return 'JSON';
  const firstLine = start.split(/\r?\n/, 1)[0];
  if (firstLine.includes(',')) return 'CSV text';
  return 'text';
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** Collapse a message to one line and bound its length, since details end up in one-line errors. */
export function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Quote user-supplied text for a message: JSON escaping keeps it on one line, and it is shortened. */
export function quote(s: string, max = 40): string {
  const shown = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return JSON.stringify(shown);
}

/**
 * Apply the shared checks and assemble the contiguous {@link Dataset}.
 * @param file path used in messages and as `source`
 * @param trajs trajectories in the order they should appear in the data set
 * @throws InputError naming the trajectory (and step and coordinate) at fault
 */
export function buildDataset(file: string, trajs: RawTrajectory[]): Dataset {
  const label = (k: number): string => `trajectory ${k}${trajs[k].name ? ` ${trajs[k].name}` : ''}`;
  if (trajs.length === 0) throw new InputError(file, 'contains no trajectories');
  let totalStates = 0;
  for (const t of trajs) totalStates += t.length;
  if (totalStates === 0) throw new InputError(file, 'contains no states (every trajectory has length 0)');
  const dim = trajs[0].dim;
  if (dim < 1) throw new InputError(file, `${label(0)} has dimension ${dim}; states need at least 1 coordinate`);
  for (let k = 1; k < trajs.length; k++) {
    if (trajs[k].dim !== dim)
      throw new InputError(file, `${label(k)} has dimension ${trajs[k].dim}, but ${label(0)} has dimension ${dim}`);
  }
  for (let k = 0; k < trajs.length; k++) {
    const n = trajs[k].length;
    if (n < 2)
      throw new InputError(
        file,
        `${label(k)} has ${n} state${n === 1 ? '' : 's'}; every trajectory needs at least 2 states (one transition)`,
      );
  }
  const transitions = totalStates - trajs.length;
  if (transitions < 3)
    throw new InputError(
      file,
      `has only ${transitions} transition${transitions === 1 ? '' : 's'} in total (sum of trajectory lengths minus 1); at least 3 are needed`,
    );
  for (let k = 0; k < trajs.length; k++) {
    const { values, length } = trajs[k];
    const i = firstNonFinite(values, length * dim);
    if (i >= 0) {
      const v = values[i];
      const step = Math.floor(i / dim);
      const where = trajs[k].where ? ` ${trajs[k].where!(step)}` : '';
      const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      throw new InputError(file, `${label(k)}, step ${step}${where}, coordinate ${i % dim} is ${what}`);
    }
  }
  const offsets: number[] = [0];
  for (const t of trajs) offsets.push(offsets[offsets.length - 1] + t.length);
  return { dim, states: contiguous(trajs, totalStates * dim), offsets, source: file };
}

/**
 * One array of all states, in shared memory: the fit's worker threads read it without a copy, so the
 * data set exists once while the search runs (the file's bytes are garbage once this returns).
 */
function contiguous(trajs: RawTrajectory[], total: number): StateArray {
  const first = trajs[0].values;
  // Float32 values stay float32 (half the memory; each converts to float64 exactly where it is read)
  // when every trajectory has them; a mix is stored as float64.
  const float32 = trajs.every((t) => t.values instanceof Float32Array);
  let end = first.byteOffset;
  const adjacent = trajs.every((t) => {
    const ok = t.values.buffer === first.buffer && t.values.byteOffset === end && t.values.length === t.length * t.dim;
    end += t.values.byteLength;
    return ok;
  });
  if (adjacent && first.buffer instanceof SharedArrayBuffer && (float32 || first instanceof Float64Array)) {
    return float32 ? new Float32Array(first.buffer, first.byteOffset, total) : new Float64Array(first.buffer, first.byteOffset, total);
  }
  const states: StateArray = float32 ? sharedFloat32(total) : sharedFloat64(total);
  let at = 0;
  for (const t of trajs) {
    states.set(t.values.subarray(0, t.length * t.dim), at);
    at += t.length * t.dim;
  }
  return states;
}

/** Kept as a tiny separate loop so V8 optimises it at once; it touches every value. */
function firstNonFinite(values: StateArray, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // v - v is 0 for finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0) return i;
  }
  return -1;
}
