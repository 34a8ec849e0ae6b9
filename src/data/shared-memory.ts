/**
 * The data set's shared memory. The fit's worker threads read these arrays without a copy, so a
 * large file is held as one array while the search runs.
 */

/** Bytes between the writes that fault a buffer's pages in; no page is smaller. */
const PAGE_BYTES = 4096;

/** Buffers smaller than this are not worth a pass of their own (a huge page is 2 MB). */
const PREFAULT_FROM_BYTES = 1 << 22;

/**
 * Whether this process's malloc asks the kernel for transparent huge pages (glibc's
 * `glibc.malloc.hugetlb` tunable, which `latent-laws fit` sets for large inputs on Linux).
 */
export function mallocUsesHugePages(env: NodeJS.ProcessEnv = process.env): boolean {
  return /(^|:)glibc\.malloc\.hugetlb=[12](:|$)/.test(env.GLIBC_TUNABLES ?? '');
}

/**
 * Fault a fresh buffer's pages in from this thread before the kernel reads a file into it. Where
 * malloc has huge pages, the faults then take whole 2 MB pages, against one fault per 4 KB page when
 * the kernel's copy meets untouched memory, and the values are then read at memory speed
 * (docs/performance.md#huge-pages-for-large-inputs). Without huge pages a pass would only add work.
 */
function prefault(buffer: SharedArrayBuffer): void {
  if (buffer.byteLength < PREFAULT_FROM_BYTES || !mallocUsesHugePages()) return;
  const bytes = new Uint8Array(buffer);
  for (let at = 0; at < bytes.length; at += PAGE_BYTES) bytes[at] = 0;
}

/**
 * Values decoded straight into shared memory: the data set the fit's workers read is this array (see
 * `contiguous` in validate.ts), so a large file is held as the file's bytes plus one array, not two.
 */
export function sharedFloat64(count: number): Float64Array {
  const buffer = new SharedArrayBuffer(count * Float64Array.BYTES_PER_ELEMENT);
  prefault(buffer);
  return new Float64Array(buffer);
}

/** {@link sharedFloat64} for float32 values kept as stored. */
export function sharedFloat32(count: number): Float32Array {
  const buffer = new SharedArrayBuffer(count * Float32Array.BYTES_PER_ELEMENT);
  prefault(buffer);
  return new Float32Array(buffer);
}
