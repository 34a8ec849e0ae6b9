/** Sums that worker tasks read, kept in shared memory. */

/**
 * A zeroed Float64Array in shared memory. The fit's moments go with every screening task; at d = 256
 * they are 2–5 MB, which a worker would otherwise receive as a copy per task (177 tasks for 396
 * transitions of pure noise); shared, they cross to a worker by reference.
 */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}
