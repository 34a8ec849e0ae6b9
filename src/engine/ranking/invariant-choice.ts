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
import { onTiltedCopy, type ScoredLaw } from './rank.js';

/** Conservation of the invariants on one subspace, in one pass (see conservation.ts). */
export type ConservationCheck = (subspaceIndex: number, laws: ScoredLaw[]) => Promise<Conservation[]>;

/**
 * The laws with only the invariants worth stating, in their order. An invariant that is not conserved
 * is checked again in the forms `fallbacks` gives (as fitted, denser), first conserved one stated:
 * rounding or sparsifying below the resolution may be what makes it drift. Those `vouched` for (by a
 * map that states them) count as conserved without a pass.
 */
export async function chooseInvariants(
  laws: ScoredLaw[],
  bases: number[][][],
  check: ConservationCheck,
  fallbacks: (law: ScoredLaw) => ScoredLaw[],
  vouched: Set<ScoredLaw> = new Set(),
): Promise<ScoredLaw[]> {
  // An invariant on a tilted copy of a map's subspace that holds on clearly fewer transitions restates
  // that plane blurred (rank.ts); what the plane conserves, its map says.
  const maps = laws.filter((l) => l.fit.role === 'map');
  const blurred = (l: ScoredLaw) => maps.some((m) => m.inlierFraction > l.inlierFraction + 0.02 && onTiltedCopy(l, m, bases));
  const invariants = laws.filter((l) => l.fit.role === 'invariant' && !blurred(l));
  const perSubspace = groupBy(invariants, (l) => l.subspaceIndex);
  const conserved = (l: ScoredLaw) => vouched.has(l) || isConserved(l.conservation!, l.tolerance, l.finalist.floor);
  // Each law's conserved statement (itself or a fallback), null when none is; one pass per round.
  const stated = new Map<ScoredLaw, ScoredLaw | null>();
  const settle = async (index: number) => {
    const group = perSubspace.get(index)!;
    if (group.every((l) => stated.has(l))) return;
    const followed = group.filter((l) => !vouched.has(l));
    if (followed.length > 0) (await check(index, followed)).forEach((c, i) => (followed[i].conservation = c));
    const tries = new Map(group.filter((l) => !conserved(l)).map((l) => [l, fallbacks(l)]));
    const all = [...tries.values()].flat();
    if (all.length > 0) (await check(index, all)).forEach((c, i) => (all[i].conservation = c));
    for (const l of group) stated.set(l, conserved(l) ? l : (tries.get(l)!.find(conserved) ?? null));
  };
  // A system's several invariants count as such only when they are all conserved.
  for (const [index, group] of perSubspace) if (group.length > 1) await settle(index);
  const together = (l: ScoredLaw) => (perSubspace.get(l.subspaceIndex)!.filter((w) => stated.get(w)).length > 1 ? 0 : 1);
  const octave = (l: ScoredLaw) => {
    const s = stated.get(l) ?? l;
    return Math.floor(Math.log2(Math.max(s.inlierRelativeError, s.finalist.floor, 1e-300)));
  };
  const order = [...invariants].sort(
    (a, b) =>
      together(a) - together(b) ||
      octave(a) - octave(b) ||
      bases[a.subspaceIndex].length - bases[b.subspaceIndex].length ||
      a.descriptionLength - b.descriptionLength,
  );
  const kept: ScoredLaw[] = [];
  for (const law of order) {
    const restated = together(law) === 1 && kept.some((w) => w.subspaceIndex !== law.subspaceIndex && nestedSpans(bases[w.subspaceIndex], bases[law.subspaceIndex]));
    if (restated) continue;
    await settle(law.subspaceIndex);
    const statement = stated.get(law);
    if (statement) kept.push(statement);
  }
  return laws.flatMap((l) => {
    if (l.fit.role !== 'invariant') return [l];
    const statement = stated.get(l);
    return statement && kept.includes(statement) ? [statement] : [];
  });
}
