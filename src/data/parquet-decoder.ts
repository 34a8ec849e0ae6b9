/**
 * The main thread's side of Parquet decoding. hyparquet decodes each page synchronously, and some
 * corrupt run-length-encoded levels make it loop forever (hyparquet 1.33, `readRleBitPackedHybrid`),
 * which the main thread could not interrupt. So pages are decoded in one long-lived worker, and a
 * request that overruns its time limit ends that worker and becomes a one-line error naming the column.
 */
import type { Worker } from 'node:worker_threads';
import type { DecodedArray, FileMetaData } from 'hyparquet';
import { InputError } from '../errors.js';
import { oneLine } from './validate.js';
import { startWorker } from '../worker-script.js';

/** What the decoding worker is asked: one operation on one open file (named by the id of its `open`). */
export type DecoderRequest =
  | { id: number; op: 'open'; path: string; size: number }
  | { id: number; op: 'select'; file: number; columns: string[] }
  | { id: number; op: 'read'; file: number; column: string; rowStart: number; rowEnd: number }
  | { id: number; op: 'close'; file: number };

/** Why a request failed: the footer, a page, or the file itself (an InputError, rebuilt here). */
export interface DecoderFailure {
  kind: 'footer' | 'page' | 'input';
  message: string;
}

/** The worker's answer to the request with the same id. */
export interface DecoderReply {
  id: number;
  metadata?: FileMetaData;
  data?: DecodedArray;
  error?: DecoderFailure;
}

/** Seconds a request may take: a fixed allowance, plus some per MB of the column chunk it reads. */
const BASE_SECONDS = 10;
const SECONDS_PER_MB = 1;

interface Pending {
  resolve(reply: DecoderReply): void;
  reject(err: Error): void;
}

let decoder: { worker: Worker; pending: Map<number, Pending> } | undefined;
let nextId = 1;

function startDecoder(): NonNullable<typeof decoder> {
  const worker = startWorker('parquet-worker');
  const pending = new Map<number, Pending>();
  const current = { worker, pending };
  const failAll = (err: Error) => {
    if (decoder === current) decoder = undefined;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (reply: DecoderReply) => {
    pending.get(reply.id)?.resolve(reply);
    pending.delete(reply.id);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the Parquet decoding thread stopped (exit code ${code})`)));
  worker.unref(); // an idle decoder must not keep the process alive; a pending request's timer does
  return current;
}

/**
 * Send one request and wait for its reply, at most `seconds`; on overrun the decoder thread is ended
 * and the promise rejects with `timeoutError()`.
 */
function ask(request: DecoderRequest, seconds: number, timeoutError: () => Error): Promise<DecoderReply> {
  decoder ??= startDecoder();
  const { worker, pending } = decoder;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(request.id);
      reject(timeoutError());
      if (decoder?.worker === worker) decoder = undefined;
      void worker.terminate();
    }, seconds * 1000);
    const settle = <T>(f: (v: T) => void) => (v: T) => {
      clearTimeout(timer);
      f(v);
    };
    pending.set(request.id, { resolve: settle(resolve), reject: settle(reject) });
    worker.postMessage(request);
  });
}

/** A Parquet file opened in the decoding thread. */
export interface ParquetHandle {
  metadata: FileMetaData;
  select(columns: string[]): Promise<void>;
  /** One column of row group `group` (rows `rowStart`…`rowEnd − 1`); `bytes`, its compressed size, sets the time limit. */
  readColumn(group: number, column: string, rowStart: number, rowEnd: number, bytes: number): Promise<DecodedArray>;
  close(): void;
}

/**
 * Open `path` in the decoding thread and read its footer.
 * @throws InputError for a file that cannot be read, a corrupt footer, or a decode that overruns
 */
export async function openParquet(path: string, size: number): Promise<ParquetHandle> {
  const stalled = (what: string, seconds: number) => () =>
    new InputError(path, `${what}: decoding did not finish within ${seconds} s; the file looks corrupt`);
  const call = async (request: DecoderRequest, what: string, bytes = 0): Promise<DecoderReply> => {
    const seconds = Math.ceil(BASE_SECONDS + (SECONDS_PER_MB * bytes) / 2 ** 20);
    const reply = await ask(request, seconds, stalled(what, seconds));
    if (reply.error) throw asInputError(path, what, reply.error);
    return reply;
  };
  const file = nextId++;
  const { metadata } = await call({ id: file, op: 'open', path, size }, 'footer');
  return {
    metadata: metadata!,
    select: async (columns) => void (await call({ id: nextId++, op: 'select', file, columns }, 'footer')),
    readColumn: async (group, column, rowStart, rowEnd, bytes) => {
      const where = `row group ${group}, column ${column}`;
      return (await call({ id: nextId++, op: 'read', file, column, rowStart, rowEnd }, where, bytes)).data!;
    },
    close: () => void ask({ id: nextId++, op: 'close', file }, BASE_SECONDS, () => new Error('close')).catch(() => {}),
  };
}

function asInputError(path: string, what: string, failure: DecoderFailure): InputError {
  if (failure.kind === 'input') return new InputError(path, failure.message.startsWith(`${path}: `) ? failure.message.slice(path.length + 2) : failure.message);
  if (failure.kind === 'footer') return new InputError(path, `corrupt Parquet footer (${oneLine(failure.message, 120)})`);
  return new InputError(path, `${what}: ${oneLine(failure.message.replace(/^parquet /, ''), 160)}`);
}
