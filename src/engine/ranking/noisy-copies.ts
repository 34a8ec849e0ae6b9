/**
 * One clean motion, one law. Noise that is white in time reads as measurement noise, so a motion in
 * a plane, seen through any subspace that overlaps it and white-noise directions, is again a law
 * "through measurement noise" there: the same eigenvalues, more noise. Those copies are not laws of
 * their own; the one seen with the least noise states the motion.
 */
import { generalEigen, principalAngles } from '../kernels/linalg.js';
import { coefficientsFor } from '../model/law-fit.js';
import type { ScoredLaw } from './rank.js';

/** Eigenvalues closer than this (relative to max(1, |λ|)) are one mode of motion. */
const SAME_EIGENVALUE = 0.02;

/** Subspaces whose largest principal cosine is below this do not share a motion. */
const OVERLAP = 0.05;

/**
 * The laws without the noise-judged maps whose motion another map on an overlapping subspace states
 * with less measurement noise (every eigenvalue of the copy is one of the other's).
 */
export function dropNoisyCopies(laws: ScoredLaw[], bases: number[][][]): ScoredLaw[] {
  const maps = laws.filter((l) => l.fit.role === 'map');
  const spectra = new Map(maps.map((m) => [m, spectrumOf(m)]));
  const share = (l: ScoredLaw) => l.finalist.noise?.measurementShare ?? 0;
  return laws.filter((law) => {
    if (law.fit.role !== 'map' || !law.finalist.noise) return true;
    const own = spectra.get(law);
    if (!own) return true;
    return !maps.some((other) => {
      if (other === law || other.subspaceIndex === law.subspaceIndex || !(share(other) < share(law))) return false;
      const theirs = spectra.get(other);
      if (!theirs || !own.every((l) => theirs.some((t) => Math.hypot(l.re - t.re, l.im - t.im) <= SAME_EIGENVALUE * Math.max(1, Math.hypot(t.re, t.im))))) return false;
      return Math.cos(principalAngles(bases[law.subspaceIndex], bases[other.subspaceIndex])[0]) > OVERLAP;
    });
  });
}

/** Eigenvalues of a map's linear part (its coefficients on u1…uk), or null when it has none. */
function spectrumOf(law: ScoredLaw): { re: number; im: number }[] | null {
  const k = law.fit.k;
  const cols = Array.from({ length: k }, (_, i) => law.fit.features.indexOf(`u${i + 1}`));
  if (cols.some((c) => c < 0)) return null;
  const W = coefficientsFor(law.fit, law.fit.params);
  const { re, im } = generalEigen(W.map((row) => cols.map((c) => row[c])));
  return re.map((r, i) => ({ re: r, im: im[i] }));
}
