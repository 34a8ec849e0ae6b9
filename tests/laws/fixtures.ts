/** Hand-written laws in the JSON shape, for the evaluator and judge tests. */
import type { Law } from '../../src/types.ts';

/** A law on the subspace spanned by `basis` (default: the plane of coordinates 0 and 1 of a 3-D space). */
export function planeLaw(role: 'map' | 'invariant', features: string[], coefficients: number[][], tolerance = 1e-3, basis = [[1, 0, 0], [0, 1, 0]]): Law {
  const variables = basis.map((_, a) => `u${a + 1}`);
  return {
    id: `${role}@coords[0,1]`, rank: 1, family: role === 'map' ? 'library_map' : 'library_invariant', role,
    subspace: { label: 'coords[0,1]', kind: 'coordinates', basis, coordinates: [0, 1], cost: 0 },
    equations: [], latex: '', summary: '', parameters: [], outliers: [], notes: [],
    model: { role, variables, features, coefficients },
    metrics: { rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction: 1, tolerance, complexity: 0, descriptionLength: 0, nTransitions: 0 },
  };
}

/** The rotation by `th` of the plane of coordinates 0 and 1, as a linear map law. */
export const rotationLaw = (th: number): Law => planeLaw('map', ['u1', 'u2'], [[Math.cos(th), -Math.sin(th)], [Math.sin(th), Math.cos(th)]]);

/** `u` rotated by `th`. */
export const rotate = (u: number[], th: number): number[] => [Math.cos(th) * u[0] - Math.sin(th) * u[1], Math.sin(th) * u[0] + Math.cos(th) * u[1]];
