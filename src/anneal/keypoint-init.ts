/**
 * Where the keypoint encoders start (pure numerics, no TensorFlow): each keypoint's softmax sharpness,
 * and for the `angle` chart the pivot its keypoint turns about and the direction where the angle is cut.
 * The pivot and cut are read off the untrained keypoints of the training frames, so a pendulum's angle
 * starts continuous over the data (its cut in the widest gap of the swing) instead of jumping by 2π.
 */

/** Initial values of one keypoint's trainable parameters (image coordinates in [−1, 1]). */
export interface KeypointStart {
  /** Softmax gain on the pixel intensity; its sign picks bright (+) or dark (−) features. */
  gain: number;
  /** Pivot (x, y) the angle is measured about. */
  pivot: [number, number];
  /** Direction (radians, from +x toward +y) where the angle is cut: no training keypoint lies there. */
  cut: number;
}

/**
 * Gain of the first keypoint's softmax, in units of the frames' intensity range. With the background
 * floor taken off (see {@link softArgmax}) a blunt gain locates a blob best; sharp ones snap the
 * keypoint to pixel centres (docs/experiments.md#the-angle-encoder).
 */
const GAIN_PER_RANGE = 3;

/**
 * Keypoint k's gain: alternately bright and dark features, each pair sharper than the last, so that
 * keypoints of one frame start distinct from each other.
 */
export function keypointGain(k: number, intensityRange: number): number {
  const range = intensityRange > 0 ? intensityRange : 1;
  return ((k % 2 === 0 ? 1 : -1) * GAIN_PER_RANGE * (1 + Math.floor(k / 2))) / range;
}

/** The image grid's coordinate of pixel i of n along one axis, in [−1, 1] at pixel centres. */
export function gridCoordinate(i: number, n: number): number {
  return (2 * i + 1) / n - 1;
}

/**
 * The soft-argmax keypoint of one H×W frame (row-major, read at `frame(p)`): the expected (x, y) under
 * weights exp(gain · intensity) less their smallest value, so a uniform background weighs nothing and
 * cannot pull the keypoint toward the image centre. A uniform frame gives (0, 0).
 */
export function softArgmax(frame: (p: number) => number, H: number, W: number, gain: number): [number, number] {
  let top = -Infinity, low = Infinity;
  for (let p = 0; p < H * W; p++) {
    const v = gain * frame(p);
    if (v > top) top = v;
    if (v < low) low = v;
  }
  const floor = Math.exp(low - top);
  let sw = 0, sx = 0, sy = 0;
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++) {
      const w = Math.exp(gain * frame(r * W + c) - top) - floor;
      sw += w;
      sx += w * gridCoordinate(c, W);
      sy += w * gridCoordinate(r, H);
    }
  return sw > 0 ? [sx / sw, sy / sw] : [0, 0];
}

/**
 * Least-squares circle through points (Kåsa's algebraic fit: x² + y² = 2a·x + 2b·y + c). Returns the
 * centre, or the points' mean when they are (nearly) collinear or coincident and no circle is defined.
 */
export function circleCentre(xs: ArrayLike<number>, ys: ArrayLike<number>): [number, number] {
  const n = xs.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xs[i] / n; my += ys[i] / n; }
  // Centred normal equations: the constant term drops out.
  let sxx = 0, sxy = 0, syy = 0, sxr = 0, syr = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] - mx, y = ys[i] - my, r = x * x + y * y;
    sxx += x * x; sxy += x * y; syy += y * y; sxr += x * r; syr += y * r;
  }
  const det = sxx * syy - sxy * sxy;
  if (!(det > 1e-12 * Math.max(sxx * syy, 1e-300))) return [mx, my];
  const a = (sxr * syy - syr * sxy) / (2 * det), b = (syr * sxx - sxr * sxy) / (2 * det);
  return [mx + a, my + b];
}

/** The widest empty arc between sorted angles: its width and the direction in its middle (0 with none). */
function widestGap(sorted: number[]): { width: number; middle: number } {
  if (sorted.length === 0) return { width: 2 * Math.PI, middle: 0 };
  let best = -1, at = 0;
  for (let i = 0; i < sorted.length; i++) {
    const next = i + 1 < sorted.length ? sorted[i + 1] : sorted[0] + 2 * Math.PI;
    if (next - sorted[i] > best) { best = next - sorted[i]; at = sorted[i] + best / 2; }
  }
  return { width: best, middle: Math.atan2(Math.sin(at), Math.cos(at)) };
}

/**
 * The direction in the middle of the widest empty arc of the points' angles about `pivot`: the cut that
 * keeps the angle continuous over all of them. With no points, 0.
 */
export function widestGapDirection(xs: ArrayLike<number>, ys: ArrayLike<number>, pivot: [number, number]): number {
  return widestGap(Array.from({ length: xs.length }, (_, i) => Math.atan2(ys[i] - pivot[1], xs[i] - pivot[0])).sort((a, b) => a - b)).middle;
}

/** Smallest to largest pixel value over frames that `at(frame, pixel)` reads (1 with no frames). */
function intensityRange(n: number, pixels: number, at: (frame: number, pixel: number) => number): number {
  let lo = Infinity, hi = -Infinity;
  for (let f = 0; f < n; f++)
    for (let p = 0; p < pixels; p++) { const v = at(f, p); if (v < lo) lo = v; if (v > hi) hi = v; }
  return n > 0 ? hi - lo : 1;
}

/** How a keypoint moves over a set of samples' frames, seen as a turn about a pivot. */
export interface KeypointPath {
  /** Centre of the circle its positions lie nearest (image coordinates in [−1, 1]). */
  pivot: [number, number];
  /** Mean distance from the pivot. */
  radius: number;
  /** RMS of the distances' deviation from `radius`, relative to it: 0 on an exact circle. */
  roundness: number;
  /** The widest arc about the pivot that no position visits (radians). */
  gap: number;
  /** Samples whose two frames lie on either side of that arc: the keypoint turns through it. */
  crossings: number;
}

/**
 * The path of a keypoint about its least-squares circle: `first` holds its (x, y) in each sample's first
 * frame, `second` in the next frame of the same sample (see {@link KeypointPath}).
 */
export function keypointPath(first: [number, number][], second: [number, number][]): KeypointPath {
  const n = first.length;
  const pivot = circleCentre(first.map((p) => p[0]), first.map((p) => p[1]));
  const r = first.map(([x, y]) => Math.hypot(x - pivot[0], y - pivot[1]));
  const radius = r.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const roundness = Math.sqrt(r.reduce((a, b) => a + (b - radius) ** 2, 0) / Math.max(n, 1)) / (radius || 1);
  const angle = ([x, y]: [number, number]) => Math.atan2(y - pivot[1], x - pivot[0]);
  const { width: gap, middle: cut } = widestGap(first.map(angle).sort((a, b) => a - b));
  // Angles measured from the cut's opposite: a step whose shortest arc passes ±π turns through the cut.
  const fromCut = (p: [number, number]) => Math.atan2(Math.sin(angle(p) - cut - Math.PI), Math.cos(angle(p) - cut - Math.PI));
  let crossings = 0;
  for (let i = 0; i < n; i++) if (Math.abs(fromCut(first[i]) - fromCut(second[i])) > Math.PI) crossings++;
  return { pivot, radius, roundness, gap, crossings };
}

/**
 * The first keypoint's path (its starting gain) over samples of two or more stacked frames, read at
 * `frames.at(sample, frame, pixel)`: what decides whether an angle chart fits the video.
 */
export function firstKeypointPath(frames: { n: number; at: (sample: number, frame: number, pixel: number) => number }, H: number, W: number): KeypointPath {
  const gain = keypointGain(0, intensityRange(frames.n, H * W, (f, p) => frames.at(f, 0, p)));
  const at = (frame: number) => Array.from({ length: frames.n }, (_, f) => softArgmax((p) => frames.at(f, frame, p), H, W, gain));
  return keypointPath(at(0), at(1));
}

/**
 * Starting parameters of `count` keypoints from training frames: `frames` holds `n` frames of H×W
 * (row-major, frame after frame; a sample's stacked frames may be passed with `stride`/`offset`).
 */
export function keypointStarts(
  count: number,
  frames: { n: number; at: (frame: number, pixel: number) => number },
  H: number,
  W: number,
): KeypointStart[] {
  const range = intensityRange(frames.n, H * W, frames.at);
  return Array.from({ length: count }, (_, k) => {
    const gain = keypointGain(k, range);
    const xs = new Float64Array(frames.n), ys = new Float64Array(frames.n);
    for (let f = 0; f < frames.n; f++) [xs[f], ys[f]] = softArgmax((p) => frames.at(f, p), H, W, gain);
    const pivot = circleCentre(xs, ys);
    return { gain, pivot, cut: widestGapDirection(xs, ys, pivot) };
  });
}
