/**
 * `latent-laws/anneal`: train an autoencoder whose latent space is pulled toward the exact laws a search
 * finds in it ({@link anneal}), and forecast by such a law ({@link rollout}). Importing it loads
 * TensorFlow.js; the main entry `latent-laws` offers the same two functions loading it on first use.
 *
 * @example
 * ```ts
 * import { fit, loadGrammar, defaultGrammarPath } from 'latent-laws';
 * import { anneal, rollout, trainingSearchOptions } from 'latent-laws/anneal';
 * const grammar = loadGrammar(defaultGrammarPath());
 * await anneal({
 *   out: 'runs/spin', data: { kind: 'spinning' }, latent: 4, epochs: 40,
 *   search: (latents, hints) => hints.final
 *     ? fit(latents, { grammar, seed: 0 })                                              // the reported laws
 *     : fit(latents, { seed: 0, ...trainingSearchOptions(grammar, hints) }),                 // training: rough laws too
 * });
 * const forecast = await rollout({ run: 'runs/spin', steps: 50, out: 'forecast.npy' });
 * ```
 * @packageDocumentation
 */
export { anneal, trainingSearchOptions, withoutLibraryFamilies, type AnnealOptions, type DataInput } from './index.js';
export { rollout, type RolloutOptions, type RolloutResult, type RolloutHold } from '../rollout/rollout.js';
export { SPIN_ANGLE, PENDULUM_DT } from './datasets.js';
export type { BridgeOptions } from './bridge.js';
export type { BackendPreference } from './backend.js';
export type { Schedule } from './config.js';
export type { EpochLog, SearchFn, SearchHints, TrainResult } from './train.js';
export type { FinalReport } from './finish.js';
