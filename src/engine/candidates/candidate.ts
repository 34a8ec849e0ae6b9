/**
 * A candidate law as the enumerator proposes it: plain data that crosses to worker threads (and, kept
 * apart from the enumerator, loads nothing of the grammar's expression parser there).
 */
import type { FamilyName, LawRole } from '../../types.js';

/** A candidate as the enumerator proposes it. */
export interface CandidateSpec {
  id: string;
  family: FamilyName;
  role: LawRole;
  offset: boolean;
  subspaceIndex: number;
  /** Library terms instantiated on the subspace variables (library families only). */
  libraryFeatures: string[];
  /** Grammar cost of each library feature, parallel to `libraryFeatures`. */
  libraryCosts: number[];
  structuralCost: number;
}
