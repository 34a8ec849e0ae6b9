/**
 * `latent-laws/check`: discovered laws as fast-check properties, the checker that runs them and what
 * they are read from. This is all a test suite needs to keep a law honest (an `--emit-test` file
 * imports it), without the law search, the reports or TensorFlow.js.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { lawProperty, loadDataset, readLawsFile } from 'latent-laws/check';
 * const { laws } = readLawsFile('laws.json');
 * fc.assert(lawProperty(laws[0], loadDataset('heldout.npy'), { steps: 4 }), { numRuns: 200, seed: 1 });
 * ```
 * @packageDocumentation
 */
export { lawProperty, LawViolation, type LawPropertyOptions } from './property.js';
export { checkLaw, checkLaws, type CheckOptions, type CheckReport, type LawCheck, type Counterexample } from './run.js';
export { readLawsFile, type LawsDocument } from './laws-file.js';
export type { LawSource, TransitionsSource, RegionSource, GeneratorSource, TransitionCase, RegionCase, GeneratorCase } from './sources.js';
export type { SegmentVerdict } from './judge.js';
export { loadDataset, loadDatasetAsync, type LoadOptions } from '../data/load.js';
export { InputError, OptionError } from '../errors.js';
export type { Dataset, FitResult, Law } from '../types.js';
