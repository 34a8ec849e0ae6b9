/**
 * The hyparquet side of the Parquet reader: one file's footer, and one column of one row group at a
 * time, read through the file descriptor so a large file is never held as bytes. Runs inside the
 * decoding worker (workers/parquet-worker.ts), because a corrupt page can send hyparquet into a loop
 * that never returns.
 */
import { closeSync } from 'node:fs';
import type { AsyncBuffer, DecodedArray, FileMetaData } from 'hyparquet';
import { openInput, readFully } from './validate.js';

/** An open Parquet file: its footer, and a reader of column chunks. */
export interface ParquetColumns {
  metadata: FileMetaData;
  /** Choose the columns to read (once, before {@link readColumn}). */
  select(columns: string[]): Promise<void>;
  /** The values of `column` in rows `rowStart`…`rowEnd − 1` (one row group). */
  readColumn(column: string, rowStart: number, rowEnd: number): Promise<DecodedArray>;
  close(): void;
}

/** Thrown when the footer cannot be decoded, as opposed to a page. */
export class FooterError extends Error {}

/** Open `path` (of `size` bytes, magic already checked) and decode its footer. */
export async function openParquetColumns(path: string, size: number): Promise<ParquetColumns> {
  const fd = openInput(path);
  try {
    const [{ parquetMetadataAsync, parquetScan }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
    const file: AsyncBuffer = { byteLength: size, slice: (start, end = size) => readRange(fd, path, start, end) };
    const metadata = await parquetMetadataAsync(file).catch((err: unknown) => {
      throw new FooterError(err instanceof Error ? err.message : String(err));
    });
    let scan: Awaited<ReturnType<typeof parquetScan>> | undefined;
    return {
      metadata,
      async select(columns) {
        scan = await parquetScan({ file, metadata, columns, compressors });
      },
      async readColumn(column, rowStart, rowEnd) {
        if (!scan) throw new Error('no columns selected');
        return scan.readColumn({ column, rowStart, rowEnd });
      },
      close: () => closeSync(fd),
    };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function readRange(fd: number, path: string, start: number, end: number): ArrayBuffer {
  const bytes = new Uint8Array(Math.max(0, end - start));
  readFully(fd, bytes, start, path);
  return bytes.buffer;
}
