/**
 * Decodes Parquet files for the main thread (src/data/parquet-decoder.ts), which can end this thread
 * when a corrupt page keeps hyparquet from returning. Typed arrays are transferred back, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../src/errors.js';
import { FooterError, openParquetColumns, type ParquetColumns } from '../src/data/parquet-columns.js';
import type { DecoderFailure, DecoderReply, DecoderRequest } from '../src/data/parquet-decoder.js';

const files = new Map<number, ParquetColumns>();

parentPort!.on('message', (request: DecoderRequest) => {
  void answer(request).then((reply) => {
    const data = reply.data;
    const transfer = ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
    parentPort!.postMessage(reply, transfer);
  });
});

async function answer(request: DecoderRequest): Promise<DecoderReply> {
  const { id } = request;
  try {
    if (request.op === 'open') {
      const file = await openParquetColumns(request.path, request.size);
      files.set(id, file);
      return { id, metadata: file.metadata };
    }
    const file = files.get(request.file);
    if (request.op === 'close') {
      file?.close();
      files.delete(request.file);
      return { id };
    }
    if (!file) throw new Error(`no open file ${request.file}`);
    if (request.op === 'select') return await file.select(request.columns).then(() => ({ id }));
    return { id, data: await file.readColumn(request.column, request.rowStart, request.rowEnd) };
  } catch (err) {
    return { id, error: failure(err, request.op) };
  }
}

function failure(err: unknown, op: DecoderRequest['op']): DecoderFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof InputError) return { kind: 'input', message };
  return { kind: err instanceof FooterError || op !== 'read' ? 'footer' : 'page', message };
}
