/**
 * A map that its parts already state is stated as its parts: two independent rotations are two
 * rotation laws, with the 4-D orthogonal map they make kept as an alternative of the first, not a
 * 36-coefficient map ranked above them.
 */
import { nestedSpans, orthonormalRows } from '../kernels/linalg.js';
import type { ScoredLaw } from './rank.js';

/** Alternatives kept per law (as in collapseDuplicates). */
const MAX_ALTERNATIVES = 4;

/** Independent directions among basis rows (well away from dependent). */
const RANK_TOLERANCE = 1e-3;

/**
 * Fold every map law whose subspace is the direct sum of the subspaces of smaller map laws that are
 * as exact as it is (in `laws`' order: best first) into the first part's alternatives.
 */
export function foldDecompositions(laws: ScoredLaw[], bases: number[][][]): ScoredLaw[] {
  const folded = new Set<ScoredLaw>();
  for (const whole of laws) {
    if (whole.fit.role !== 'map' || whole.fit.k < 2) continue;
    const parts = partsOf(whole, laws.filter((l) => !folded.has(l)), bases);
    if (!parts) continue;
    folded.add(whole);
    whole.decomposes = parts;
    // The whole map is what its parts leave unsaid: it takes the place of the longest "also fits as".
    const alternatives = parts[0].alternatives;
    if (alternatives.length >= MAX_ALTERNATIVES) alternatives.splice(MAX_ALTERNATIVES - 1);
    alternatives.push(whole);
  }
  return laws.filter((l) => !folded.has(l));
}

/** Smaller, equally exact map laws whose subspaces together span the whole's, or null. */
function partsOf(whole: ScoredLaw, laws: ScoredLaw[], bases: number[][][]): ScoredLaw[] | null {
  const span = bases[whole.subspaceIndex];
  const exactEnough = (p: ScoredLaw) => p.inlierRelativeError <= 2 * Math.max(whole.inlierRelativeError, whole.finalist.floor, p.finalist.floor);
  const parts: ScoredLaw[] = [];
  let rows: number[][] = [];
  for (const p of laws) {
    if (p === whole || p.fit.role !== 'map' || p.fit.k >= whole.fit.k || !exactEnough(p)) continue;
    const basis = bases[p.subspaceIndex];
    if (!nestedSpans(basis, span)) continue;
    const grown = orthonormalRows([...rows, ...basis], RANK_TOLERANCE);
    if (grown.length < rows.length + basis.length) continue;
    parts.push(p);
    rows = grown;
    if (rows.length === whole.fit.k) return parts;
  }
  return null;
}
