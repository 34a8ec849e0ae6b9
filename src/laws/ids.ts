/**
 * Laws named by id: a reported law, or one of the alternatives folded into it (see `Law.alternatives`),
 * which a user may want to check or roll out in its place ("also fits as affine").
 */
import type { Law, LawAlternative } from '../types.js';

/** An alternative as a law of its own: its parent's rank, and no outlier list (the exact pass kept none). */
export function alternativeAsLaw(parent: Law, alternative: LawAlternative): Law {
  return { ...alternative, rank: parent.rank, outliers: [] };
}

/** The law with this id: a reported law first, else an alternative of one; undefined when none has it. */
export function findLawById(laws: readonly Law[], id: string): Law | undefined {
  const top = laws.find((l) => l.id === id);
  if (top) return top;
  for (const parent of laws) {
    const alt = parent.alternatives?.find((a) => a.id === id);
    if (alt) return alternativeAsLaw(parent, alt);
  }
  return undefined;
}
