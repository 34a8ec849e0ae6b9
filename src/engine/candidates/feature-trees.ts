/**
 * The library features of the candidates, parsed once on the main thread (restricted mathjs): tasks
 * carry the validated trees, so worker threads never load mathjs.
 */
import { expressionTree } from '../../grammar/safe-math.js';
import { FeatureCatalog, subspaceVariables } from '../model/features.js';
import type { CandidateSpec } from './candidate.js';

/** A catalog of every library feature any candidate uses. */
export function featureCatalogOf(candidates: CandidateSpec[], maxLibraryDim: number): FeatureCatalog {
  const entries = new Map<string, ReturnType<typeof expressionTree>>();
  const variables = subspaceVariables(maxLibraryDim);
  for (const c of candidates) {
    for (const e of c.libraryFeatures) if (!entries.has(e)) entries.set(e, expressionTree(e, variables));
  }
  return new FeatureCatalog(entries);
}

/** A catalog of the given features over `variables` (a reported law's model, for instance). */
export function featureCatalogFor(features: string[], variables: string[]): FeatureCatalog {
  return new FeatureCatalog(features.filter((e) => e !== '1').map((e) => [e, expressionTree(e, variables)]));
}
