/**
 * Fit a planted data set, and transformed copies c·z + shift of it, in a child process: a fit that never
 * returns (as one on data around 1e200 can) blocks its thread, and only a process can be stopped from
 * outside. `fitInChild` runs this file with a time limit; run directly, it reads one JSON spec from
 * argv[2] and prints one JSON line with a result per transform.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/errors.ts';
import { plantLaw, type PlantOptions } from '../../../src/planted.ts';
import type { Law } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { scaleAndShift } from './systems.ts';

export interface Transform {
  /** The data are multiplied by 10^log10c ... */
  log10c: number;
  /** ... and then shifted by this vector. */
  shift: number[];
}

export interface ChildSpec {
  plant: PlantOptions;
  transforms: Transform[];
}

export type ChildOutcome =
  | { outcome: 'ok'; laws: Law[] }
  /** `inputError`: the error is one the user can act on (an InputError, printed by the CLI as one line). */
  | { outcome: 'error'; name: string; message: string; inputError: boolean };

/** The planted data set of a spec, transformed. */
export function transformedData(spec: ChildSpec, t: Transform) {
  const { dataset } = plantLaw(spec.plant);
  return t.log10c === 0 && t.shift.every((v) => v === 0) ? dataset : scaleAndShift(dataset, 10 ** t.log10c, t.shift);
}

/** Run the fits of `spec` in a child process; 'timeout' when it had not finished after `timeoutMs`. */
export function fitInChild(spec: ChildSpec, timeoutMs: number): Promise<ChildOutcome[] | 'timeout'> {
  return new Promise((resolve, reject) => {
    // tsx as resolved from here, so the child loads TypeScript whatever the working directory.
    execFile(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), JSON.stringify(spec)], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && (err.killed || err.signal === 'SIGKILL')) return resolve('timeout');
      if (err) return reject(new Error(`child failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ChildOutcome[]);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spec = JSON.parse(process.argv[2]) as ChildSpec;
  const out: ChildOutcome[] = [];
  for (const t of spec.transforms) {
    try {
      out.push({ outcome: 'ok', laws: (await fitInline(transformedData(spec, t))).laws });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      out.push({ outcome: 'error', name: e.name, message: e.message, inputError: err instanceof InputError });
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
