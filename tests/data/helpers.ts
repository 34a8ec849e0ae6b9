/** Fixture helpers for the data-loader tests: a fresh temp dir per test file, and error assertions. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/errors.ts';

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `latent-laws-${tag}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write `content` to `dir/name` and return the full path. */
export function fixture(dir: string, name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

/**
 * Assert `fn` throws an InputError for `file` whose one-line message contains every fragment
 * (strings verbatim, regexes by match), so vague messages fail the test. Returns the message.
 */
export function assertInputError(fn: () => unknown, file: string, ...fragments: (string | RegExp)[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, 'expected an InputError, but nothing was thrown');
  assert.ok(caught instanceof InputError, `expected InputError, got ${String(caught)}`);
  const msg = caught.message;
  assert.equal(caught.file, file);
  assert.ok(msg.startsWith(`${file}: `), `message should start with the file: ${msg}`);
  assert.ok(!/[\r\n]/.test(msg), `message should be one line: ${JSON.stringify(msg)}`);
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(msg.includes(f), `message ${JSON.stringify(msg)} should contain ${JSON.stringify(f)}`);
    else assert.match(msg, f);
  }
  return msg;
}

/**
 * Build a .npy file by hand (independently of writeNpy): magic, version, header length, the given
 * header dict text padded with spaces to a 64-byte boundary plus '\n', then raw data bytes.
 */
export function handNpy(dict: string, data: Uint8Array | number[], version: 1 | 2 | 3 = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  const pre = 8 + lenBytes;
  let header = dict;
  while ((pre + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(pre + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0], 0);
  if (lenBytes === 2) {
    out[8] = header.length & 0xff;
    out[9] = header.length >> 8;
  } else {
    new DataView(out.buffer).setUint32(8, header.length, true);
  }
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, pre + header.length);
  return out;
}

/** Bytes of float64 values, little-endian unless told otherwise. */
export function f64Bytes(values: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat64(8 * i, x, littleEndian));
  return out;
}

/** {@link assertInputError} for a loader that returns a promise. */
export async function assertInputErrorAsync(fn: () => Promise<unknown>, file: string, ...fragments: (string | RegExp)[]): Promise<string> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  return assertInputError(() => {
    if (caught !== undefined) throw caught;
  }, file, ...fragments);
}

/** A committed fixture of tests/data/fixtures (written by make-fixtures.py or make-parquet-fixtures.mjs). */
export function committed(name: string): string {
  return path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', name);
}

/** The fixtures' values: state t of trajectory k has coordinates k*100 + t*10 + j. */
export function grid(K: number, T: number, d: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) out.push(k * 100 + t * 10 + j);
  return out;
}
