/**
 * One group pass for several coordinate subspaces at once. The projection onto a coordinate subset
 * is a gather, and the features of a pair are functions of single coordinates plus products, so a
 * stream over the union of the groups' coordinates evaluates each coordinate's features (its square,
 * sin, cos) once for every pair it belongs to. Each group gathers its own columns and sums, so its
 * results are those of a pass of its own, bit for bit.
 */
import { createGroupPass, type GroupMember, type GroupResult } from './group-pass.js';
import { type FeatureCatalog, subspaceVariables } from '../model/features.js';
import { coordinatesOf } from '../kernels/project.js';
import { type DataContext } from '../moments/transitions.js';
import { transitionStream } from '../passes/stream.js';

/** A group as the shared pass needs it: its basis, its stream features (over u1…uk) and members. */
export interface SharedGroup {
  basis: number[][];
  features: string[];
  members: GroupMember[];
}

/** Run the groups (all on coordinate subspaces) over one stream; results in the groups' order. */
export function sharedGroupPass(ctx: DataContext, groups: SharedGroup[], bandCap: number, catalog: FeatureCatalog): GroupResult[] {
  const coordsOf = groups.map((g) => {
    const c = coordinatesOf(g.basis);
    if (!c) throw new Error('internal: a shared pass takes coordinate subspaces only');
    return c;
  });
  const union = [...new Set(coordsOf.flat())].sort((a, b) => a - b);
  const names = subspaceVariables(union.length);
  const coords = coordsOf.map((cs) => cs.map((c) => union.indexOf(c)));
  const { union: features, cols } = catalog.union(
    groups.map((g, i) => {
      const local = coords[i].map((q) => names[q]);
      return g.features.map((f) => catalog.rename(f, local));
    }),
  );
  const layouts = groups.map((_, i) => ({ cols: cols[i], coords: coords[i] }));
  const basis = union.map((c) => Array.from({ length: ctx.dim }, (_, j) => (j === c ? 1 : 0)));
  const stream = transitionStream(ctx, basis, features, catalog);
  const passes = groups.map((g, i) => createGroupPass(union.length, layouts[i], g.members, bandCap));
  stream.run(null, (b) => {
    for (const p of passes) p.onBlock(b);
  });
  return passes.map((p) => p.result());
}
