/**
 * The enumerator: every (family, subspace, offset variant) the grammar allows, in order of growing
 * structural complexity, up to the grammar's candidate limit.
 */
import { instantiateTerms } from '../../grammar/terms.js';
import type { Grammar, Subspace } from '../../types.js';
import type { CandidateSpec } from './candidate.js';
import { familyFitsDimension, LINEAR_MAP_FAMILIES, offsetVariants, roleOf } from '../model/families.js';
import { subspaceVariables } from '../model/features.js';

const NONLINEAR = new Set(['library_map', 'library_invariant', 'quadratic_invariant']);

/** Families over library terms (u², sin u, …), which mean something in the data's own coordinates. */
const LIBRARY = new Set(['library_map', 'library_invariant']);

/**
 * Library terms are not rotation-invariant: on a data-estimated subspace of more than two dimensions
 * (a mix of coordinates) they would be evaluated in an arbitrary frame at a high cost, so there they
 * are proposed only on coordinate subsets and the whole space (quadratic forms are proposed anywhere).
 */
const PLANE = 2;
const naturalCoordinates = (sub: Subspace) => sub.kind === 'coordinates' || sub.kind === 'full';

/** Bits for choosing the offset variant of a structured family. */
const OFFSET_BIT = 1;

export function enumerateCandidates(grammar: Grammar, subspaces: Subspace[]): CandidateSpec[] {
  const out: CandidateSpec[] = [];
  const termsByK = new Map<number, { features: string[]; costs: number[] }>();
  const library = (k: number) => {
    let t = termsByK.get(k);
    if (!t) {
      const inst = instantiateTerms(grammar.terms, subspaceVariables(k));
      t = { features: inst.map((i) => i.expression), costs: inst.map((i) => i.cost) };
      termsByK.set(k, t);
    }
    return t;
  };
  subspaces.forEach((sub, subspaceIndex) => {
    const k = sub.basis.length;
    for (const fam of grammar.families) {
      if (!familyFitsDimension(fam.name, k)) continue;
      if (NONLINEAR.has(fam.name) && k > (fam.name === 'quadratic_invariant' ? grammar.limits.maxQuadraticDim : grammar.limits.maxLibraryDim)) continue;
      if (LIBRARY.has(fam.name) && k > PLANE && !naturalCoordinates(sub)) continue;
      const variants = LINEAR_MAP_FAMILIES.has(fam.name) ? offsetVariants(fam.name) : [false];
      for (const offset of variants) {
        const lib = fam.name === 'library_map' || fam.name === 'library_invariant' ? library(k) : { features: [], costs: [] };
        if ((fam.name === 'library_map' || fam.name === 'library_invariant') && lib.features.length === 0) continue;
        const structured = offsetVariants(fam.name).length > 1 && offset;
        out.push({
          id: `${fam.name}${structured ? '+offset' : ''}@${sub.label}`,
          family: fam.name,
          role: roleOf(fam.name),
          offset,
          subspaceIndex,
          libraryFeatures: lib.features,
          libraryCosts: lib.costs,
          structuralCost: fam.cost + sub.cost + (structured ? OFFSET_BIT : 0),
        });
      }
    }
  });
  // Enumeration order is the grammar's cost. The bits that state a data-estimated basis count in the
  // description length but not here: otherwise, with many coordinate subsets, a candidate budget cut
  // would always remove the data's own subspaces first (the ones where hidden laws live).
  const orderKey = (c: CandidateSpec) => c.structuralCost - (subspaces[c.subspaceIndex].basisBits ?? 0);
  out.sort((a, b) => orderKey(a) - orderKey(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out.slice(0, grammar.limits.maxCandidates);
}
