/** Functions shared by the engine tests of several stages. */
import { fit } from '../../src/engine/fit.ts';
import { FeatureCatalog } from '../../src/engine/model/features.ts';
import { featurePasses } from '../../src/engine/passes/feature-pass.ts';
import type { Want } from '../../src/engine/passes/accumulator.ts';
import type { Dataset, FitResult } from '../../src/types.ts';

/** Fit inline (workers: 0) with a fixed seed: property tests check behaviour, not parallelism. */
export const fitInline = (data: Dataset, extra: Parameters<typeof fit>[1] = {}): Promise<FitResult> => fit(data, { workers: 0, seed: 1, ...extra });

/**
 * The single-request form of featurePasses: every feature's statistics from one pass, over the
 * transitions `select` (copied out as rows 2i, 2i + 1 of a data set of their own, in order) or all. The
 * engine always asks for several requests at once; tests use this as the reference its other paths match.
 */
export function featurePass(states: Float64Array, dim: number, starts: Uint32Array, basis: number[][] | null, features: string[], select: Uint32Array | null, want: Want, catalog = new FeatureCatalog()) {
  const request = [{ cols: features.map((_, j) => j), want }];
  if (!select) return featurePasses(states, dim, starts, basis, features, request, catalog)[0];
  const rows = new Float64Array(2 * select.length * dim);
  select.forEach((t, i) => rows.set(states.subarray(starts[t] * dim, (starts[t] + 2) * dim), 2 * i * dim));
  return featurePasses(rows, dim, Uint32Array.from(select, (_, i) => 2 * i), basis, features, request, catalog)[0];
}
