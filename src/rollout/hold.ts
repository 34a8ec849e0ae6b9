/**
 * What a rollout does with the latent dimensions outside its law's subspace, when they follow no law of
 * their own but are not constant either: on the spinning video a rotation law holds in a 2-plane while the
 * two other latent dimensions trace the shape's harmonics — functions of the angle. Holding them at their
 * mean then decodes the wrong frames however exact the law is.
 *
 * The slaved-manifold hold reads them off the training latents: for a subspace state u it takes the
 * training latents whose subspace coordinates are nearest to u, and averages their off-subspace parts with
 * inverse-distance weights. It assumes the off-subspace part is (close to) a function of u on the data
 * — true for a latent curve or surface parametrised by the law's coordinates — and reduces to a local
 * mean when those dimensions are noise. Pure numeric code, no I/O.
 */

/** Off-subspace parts of training latents, indexed by their subspace coordinates. */
export interface SlavedManifold {
  /** Subspace dimension k. */
  k: number;
  /** Latent dimension d. */
  d: number;
  /** Subspace coordinates of each training latent, n × k. */
  coords: Float64Array;
  /** Off-subspace part (I − BᵀB) z of each training latent, n × d. */
  rest: Float64Array;
  /** Number of neighbours averaged (default 4). */
  neighbours: number;
}

/**
 * Index training latents `Z` (n × d, row-major) by the subspace with orthonormal basis rows `B` (k × d).
 * @param neighbours how many nearest training latents to average (≥ 1).
 */
export function slavedManifold(Z: ArrayLike<number>, d: number, B: number[][], neighbours = 4): SlavedManifold {
  const n = Math.floor(Z.length / d), k = B.length;
  if (n < 1) throw new RangeError('slavedManifold: no training latents');
  const coords = new Float64Array(n * k), rest = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) rest[i * d + c] = Z[i * d + c];
    for (let a = 0; a < k; a++) {
      let p = 0;
      for (let c = 0; c < d; c++) p += B[a][c] * Z[i * d + c];
      coords[i * k + a] = p;
      for (let c = 0; c < d; c++) rest[i * d + c] -= B[a][c] * p;
    }
  }
  return { k, d, coords, rest, neighbours: Math.max(1, Math.min(neighbours, n)) };
}

/**
 * The off-subspace part for subspace coordinates `u`, written into `out` (length d): the inverse-distance
 * weighted mean over the nearest training latents. Brute force — O(n·k) per query is microseconds for the
 * few thousand latents of a run, and needs no tree to build or keep in sync.
 */
export function holdOnManifold(m: SlavedManifold, u: ArrayLike<number>, out: Float64Array): Float64Array {
  const { k, d, coords, rest, neighbours } = m, n = coords.length / k;
  const best = new Array<number>(neighbours).fill(-1), dist = new Array<number>(neighbours).fill(Infinity);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += (coords[i * k + a] - u[a]) ** 2;
    if (s >= dist[neighbours - 1]) continue;
    let j = neighbours - 1;
    while (j > 0 && dist[j - 1] > s) {
      dist[j] = dist[j - 1];
      best[j] = best[j - 1];
      j--;
    }
    dist[j] = s;
    best[j] = i;
  }
  out.fill(0);
  // An exact hit gets all the weight (the 1e-300 keeps the weights finite without changing that).
  let total = 0;
  for (let j = 0; j < neighbours; j++) {
    if (best[j] < 0) continue;
    const w = 1 / (Math.sqrt(dist[j]) + 1e-300);
    total += w;
    for (let c = 0; c < d; c++) out[c] += w * rest[best[j] * d + c];
  }
  for (let c = 0; c < d; c++) out[c] /= total;
  return out;
}
