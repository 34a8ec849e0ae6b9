/** generateSubspaces as one call returning plain data, for running under a deadline. */
import { generateSubspaces } from '../../../src/engine/subspaces/generate.ts';
import type { Moments } from '../../../src/engine/moments/moments.ts';
import type { Failure, Grammar } from '../../../src/types.ts';

export function labelsAndFailures(grammar: Grammar, mom: Moments): { labels: string[]; failures: Failure[] } {
  const failures: Failure[] = [];
  const labels = generateSubspaces(grammar, mom, 2 ** -53, undefined, failures).subspaces.map((s) => s.label);
  return { labels, failures };
}
