/**
 * Which invariants to state. Invariants found on nested subspaces state one quantity: the most exact
 * statement stays (exactness in factors of two, so a plane's |u|² beats a larger subspace's copy of it
 * unless clearly less exact; then the smaller subspace, then the shorter description). Several
 * independent invariants of one subspace state a system together and go first. Only invariants that
 * are conserved along whole trajectories count, and each is checked only when it would be kept, so a
 * quantity that drifts never hides a true one and no pass is spent on restatements.
 */
import { groupBy } from '../../collections.js';
import { nestedSpans } from '../kernels/linalg.js';
import { type Conservation, isConserved } from './conservation.js';
import type { ScoredLaw } from './rank.js';

/** A snapped invariant is checked again as fitted when that is more exact by at least this factor. */
const ROUNDING_COST = 0.9;

/** Conservation of the invariants on one subspace, in one pass (see conservation.ts). */
export type ConservationCheck = (subspaceIndex: number, laws: ScoredLaw[]) => Promise<Conservation[]>;

/**
 * The laws with only the invariants worth stating, in their order. A snapped invariant that is not
 * conserved, and that rounding made measurably less exact, is checked again as fitted (`asFitted`).
 */
export async function chooseInvariants(laws: ScoredLaw[], bases: number[][][], check: ConservationCheck, asFitted: (law: ScoredLaw) => ScoredLaw): Promise<ScoredLaw[]> {
  const invariants = laws.filter((l) => l.fit.role === 'invariant');
  const perSubspace = groupBy(invariants, (l) => l.subspaceIndex);
  const follow = async (index: number) => {
    const group = perSubspace.get(index)!;
    if (group.some((l) => !l.conservation)) (await check(index, group)).forEach((c, i) => (group[i].conservation = c));
  };
  const conserved = (l: ScoredLaw) => isConserved(l.conservation!, l.tolerance, l.finalist.floor);
  // A system's several invariants count as such only when they are all conserved.
  for (const [index, group] of perSubspace) if (group.length > 1) await follow(index);
  const together = (l: ScoredLaw) => (perSubspace.get(l.subspaceIndex)!.filter((w) => w.conservation && conserved(w)).length > 1 ? 0 : 1);
  const octave = (l: ScoredLaw) => Math.floor(Math.log2(Math.max(l.inlierRelativeError, l.finalist.floor, 1e-300)));
  const order = [...invariants].sort(
    (a, b) =>
      together(a) - together(b) ||
      octave(a) - octave(b) ||
      bases[a.subspaceIndex].length - bases[b.subspaceIndex].length ||
      a.descriptionLength - b.descriptionLength,
  );
  const kept: ScoredLaw[] = [];
  const unsnapped = new Map<ScoredLaw, ScoredLaw>();
  for (const law of order) {
    const restated = together(law) === 1 && kept.some((w) => w.subspaceIndex !== law.subspaceIndex && nestedSpans(bases[w.subspaceIndex], bases[law.subspaceIndex]));
    if (restated) continue;
    await follow(law.subspaceIndex);
    if (conserved(law)) kept.push(law);
    else if (law.exact.some((e) => e !== null)) {
      const fitted = asFitted(law);
      // Only when rounding measurably cost exactness: else a second look is just a second chance.
      if (!(fitted.inlierRelativeError < ROUNDING_COST * law.inlierRelativeError)) continue;
      fitted.conservation = (await check(fitted.subspaceIndex, [fitted]))[0];
        if (conserved(fitted)) {
        kept.push(fitted);
        unsnapped.set(law, fitted);
      }
    }
  }
  return laws.flatMap((l) => (l.fit.role !== 'invariant' || kept.includes(l) ? [l] : unsnapped.has(l) ? [unsnapped.get(l)!] : []));
}

