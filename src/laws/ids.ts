/**
 * Laws named by id: a reported law, or one of the alternatives folded into it (see `Law.alternatives`),
 * which a user may want to check or roll out in its place ("also fits as affine"), or an invariant a
 * map conserves (`Law.conserved`), which a user may want to check on its own.
 */
import type { Law, LawAlternative } from '../types.js';

/** An alternative as a law of its own: its parent's rank, and no outlier list (the exact pass kept none). */
export function alternativeAsLaw(parent: Law, alternative: LawAlternative): Law {
  return { ...alternative, rank: parent.rank, outliers: [] };
}

/** The law with this id: a reported law first, else an alternative of one, else an invariant a map conserves; undefined when none has it. */
export function findLawById(laws: readonly Law[], id: string): Law | undefined {
  const top = laws.find((l) => l.id === id);
  if (top) return top;
  for (const folded of ['alternatives', 'conserved'] as const)
    for (const parent of laws) {
      const inner = parent[folded]?.find((a) => a.id === id);
      if (inner) return alternativeAsLaw(parent, inner);
    }
  return undefined;
}
