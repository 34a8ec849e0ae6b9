/**
 * Identity of a sweep's jobs: a hash of the input's content, its path, the fit options, the grammar's
 * text and the engine's version. Equal keys mean the same fit result, so a re-run skips inputs whose
 * key already has a result, and the queue refuses a second job with the same id.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { VERSION } from '../version.js';
import { canonicalSpec, type SweepFitSpec } from './fit-spec.js';

/** Hex characters of the key that name an input's result files. */
export const SHORT_KEY = 12;

/** SHA-256 of a file's content, or null when it cannot be read (its fit then reports why). */
export function fileDigest(path: string): Promise<string | null> {
  return new Promise((done) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex')))
      .on('error', () => done(null));
  });
}

/**
 * The key of fitting `input` with `spec`: the job id in the queue and, shortened, part of the result's
 * file name. The path is part of it because each result records its source.
 */
export function jobKey(input: string, content: string | null, spec: SweepFitSpec, grammar: string | null): string {
  const text = JSON.stringify({ version: VERSION, input, content, grammar, spec: canonicalSpec(spec) });
  return createHash('sha256').update(text).digest('hex');
}

/** A file-name stem for an input: its relative name with separators and odd characters replaced, plus the short key. */
export function resultStem(name: string, key: string): string {
  const readable = name.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(-120);
  return `${readable}.${key.slice(0, SHORT_KEY)}`;
}
