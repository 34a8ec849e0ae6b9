/**
 * The bridge: turns ranked laws and the latents they were found on into a gradient on every latent
 * vector — "this sample would obey the law if it were encoded a little differently". No TensorFlow here;
 * the trainer feeds the gradient G into autodiff through the surrogate sum(stopGradient(G) ⊙ z).
 *
 * ## Loss
 * For laws ℓ with subspace basis B (k×d, u = B z) and transitions t = (i, i+1) inside trajectories:
 *
 *     L(Z)   = Σ_ℓ w_ℓ · A_ℓ(Z) / S_ℓ(Z)
 *     A_ℓ(Z) = 1/(2 n_ℓ) · Σ_t c_ℓt · ‖r_ℓt(Z)‖²
 *     map:        r_t = u_{i+1} − C φ(u_i),     S = P
 *     invariant:  r_t = I(u_{i+1}) − I(u_i),    S = V_I · P / V_u,   I(u) = C[0] · φ(u)
 *     P   = 1/n · Σ_t ‖u_{i+1} − u_i‖²          (the step: the error of "nothing moves", u' = u)
 *     V_u = 1/N · Σ_i ‖u_i − ū‖²,  V_I = 1/N · Σ_i (I(u_i) − Ī)²   (spreads over all N states)
 *
 * with the weights w_ℓ, c_ℓt held constant (G = ∂L/∂Z exactly at fixed weights; the fast-check tests
 * compare G with finite differences of L). A law with S = 0 adds nothing (see below), so no guard δ
 * is needed in the quotient; an absolute one would break the scale invariance at small scales.
 *
 * The yardstick S is the motion the law must explain, so that no trivial latent wins (the engine's
 * no-false-laws rules judge a map by the same step, `maxMotionError`):
 * - A map is judged against the step, not the spread. Against the spread, a latent that moves 0.1% of
 *   its spread per step satisfies u' = u almost perfectly, so slowing down paid. Against the step,
 *   "nothing moves" scores ½ at any speed, and L is unchanged by z → c·z + b and by slowing time.
 *   The raw mean squared step, not its variance about the mean step: that is exactly the residual of
 *   u' = u, and a uniform drift (zero step variance) would otherwise divide by zero.
 * - An invariant is judged against how much I varies across the data (V_I: making I constant
 *   everywhere does not pay), scaled by how far the states move per step in units of their spread
 *   (P / V_u): on slow latents every function changes little per step, so without the factor slowing
 *   would satisfy any invariant. S then is the per-step change of a generic function of u, and L is
 *   again unchanged by rescaling space or time.
 * - Where nothing moves (P = 0, or I constant) there is no motion to explain: no transition is an
 *   inlier, so a frozen latent earns no weight from u' = u or any invariant.
 * The quotient's derivative pushes back on shrinking the steps, the spread of I, or both.
 *
 * ## Weights (the principle: only near-perfect laws count, and they count on their remaining errors)
 * - Law weight, with q the law's inlier fraction (share of transitions with ‖r_t‖ ≤ tol_ℓ):
 *   w(q) = 0 if q < qMin, else q^a / (1 − q + ε). Defaults qMin = 0.9, a = 2, ε = 0.01, so
 *   w(0.9) ≈ 7.4, w(0.99) ≈ 49, w(1) = 100: rising steeply as the law nears perfection.
 * - Transition weight: c_t = min(‖r_t‖ / tol_ℓ, cap)^p, defaults p = 2, cap = 10. An outlier at 10·tol
 *   weighs 100, an inlier at tol/10 weighs 0.01; so the push (∝ c_t·r_t ∝ r³ below the cap) sits on the
 *   outliers, and the cap keeps one wild sample from dominating.
 * - tol_ℓ: `relTolerance · sqrt(S_ℓ)` when `relTolerance` is set (the trainer anneals it from loose to
 *   tight; below 1 "nothing moves" fails it wherever the steps are alike); else the law's own
 *   `metrics.tolerance`, for maps at most half the RMS step (as `fit`'s default `maxMotionError`, so
 *   a search's tolerance cannot make u' = u near-perfect; a law fitted through measurement noise keeps
 *   the tolerance the noise explains, its motion judged on the clean state), for invariants times sqrt(V_I) (their
 *   tolerance is in units of the invariant's standard deviation).
 * Transitions whose residual is not finite (a feature such as log(u) left its domain) count as outliers
 * for q but carry no gradient.
 */
import type { Dataset, Law } from '../types.js';
import { transitionStarts } from '../engine/moments/transitions.js';
import { compileLaw, type CompiledLaw } from '../laws/compile.js';

/** Tunables of the weighting; every field is optional (defaults in the module comment). */
export interface BridgeOptions {
  /** Laws with inlier fraction below this contribute nothing (default 0.9). */
  qMin?: number;
  /** Exponent a in w(q) = q^a / (1 − q + ε) (default 2). */
  lawPower?: number;
  /** ε in w(q) (default 0.01): caps the weight of a perfect law at 1/ε. */
  epsilon?: number;
  /** Exponent p of the transition weight min(r/tol, cap)^p (default 2). */
  outlierPower?: number;
  /** Cap on r/tol in the transition weight (default 10). */
  outlierCap?: number;
  /** Tolerance as a fraction of each law's yardstick sqrt(S) (for maps the RMS step); default: the law's metrics.tolerance. */
  relTolerance?: number;
  /** Use only the first `maxLaws` laws of the ranking (default: all). */
  maxLaws?: number;
}

/** The frozen weights of one law (held constant when differentiating). */
export interface LawWeights {
  id: string;
  /** Inlier fraction q measured on the given latents with `tolerance`. */
  inlierFraction: number;
  /** Law weight w(q) (0 below qMin). */
  weight: number;
  /** Residual norm separating inliers from outliers. */
  tolerance: number;
  /** Per-transition weights c_t, in transition order (trajectory by trajectory, as `transitionStarts` numbers them). */
  transitionWeights: Float64Array;
  /** Per-transition residual norms ‖r_t‖ (NaN where the law could not be evaluated). */
  residuals: Float64Array;
}

/** What {@link bridge} returns. */
export interface BridgeResult {
  /** ∂L/∂Z, same layout as `latents.states`. */
  gradient: Float64Array;
  /** L(Z). */
  loss: number;
  /** One entry per law considered, in ranking order. */
  laws: (LawWeights & { loss: number })[];
}

export const BRIDGE_DEFAULTS = { qMin: 0.9, lawPower: 2, epsilon: 0.01, outlierPower: 2, outlierCap: 10 } as const;
/** Largest map tolerance from a law's own metrics, as a share of the RMS step (`fit`'s default maxMotionError). */
const MOTION_SHARE = 0.5;

/**
 * A map's own tolerance, at most half its RMS step; except where the law was fitted through
 * measurement noise: there the search judged the clean state's motion, and the tolerance is what the
 * noise on the readings explains (the readings' steps carry that noise too).
 */
function mapTolerance(law: Law, meanSquareStep: number): number {
  return law.metrics.noise ? law.metrics.tolerance : Math.min(law.metrics.tolerance, MOTION_SHARE * Math.sqrt(meanSquareStep));
}

/** w(q) of the module comment. */
export function lawWeight(q: number, opts: BridgeOptions = {}): number {
  const qMin = opts.qMin ?? BRIDGE_DEFAULTS.qMin;
  if (!(q >= qMin)) return 0;
  return q ** (opts.lawPower ?? BRIDGE_DEFAULTS.lawPower) / (1 - q + (opts.epsilon ?? BRIDGE_DEFAULTS.epsilon));
}

/** c(r) of the module comment. */
export function transitionWeight(r: number, tol: number, opts: BridgeOptions = {}): number {
  if (!Number.isFinite(r)) return 0;
  const cap = opts.outlierCap ?? BRIDGE_DEFAULTS.outlierCap;
  const ratio = tol > 0 ? Math.min(r / tol, cap) : r > 0 ? cap : 0;
  return ratio ** (opts.outlierPower ?? BRIDGE_DEFAULTS.outlierPower);
}

/** Per-law quantities at the current Z: subspace coordinates, yardstick, residuals. */
interface LawState {
  law: Law;
  cl: CompiledLaw;
  isMap: boolean;
  /** u_i for every state, N×k. */
  u: Float64Array;
  /** I(u_i) for every state (invariants; empty for maps). */
  inv: Float64Array;
  /** P, V_u, V_I (0 for maps) and the yardstick S of the module comment. */
  step: number;
  spreadU: number;
  spreadI: number;
  yardstick: number;
  /** Residual vectors per transition, n×rDim (rDim = k for maps, 1 for invariants). */
  r: Float64Array;
  rDim: number;
}

/** Mean of `dim`-vectors stored row by row in `s`. */
function meanOf(s: Float64Array, dim: number): Float64Array {
  const N = s.length / dim, mean = new Float64Array(dim);
  for (let i = 0; i < N; i++) for (let a = 0; a < dim; a++) mean[a] += s[i * dim + a] / N;
  return mean;
}

/** 1/N Σ_i ‖s_i − s̄‖². */
function spreadOf(s: Float64Array, dim: number): number {
  const N = s.length / dim, mean = meanOf(s, dim);
  let v = 0;
  for (let i = 0; i < N; i++) for (let a = 0; a < dim; a++) v += (s[i * dim + a] - mean[a]) ** 2 / N;
  return v;
}

/** P = 1/n Σ_t ‖u_{i+1} − u_i‖². */
function meanSquaredStep(u: Float64Array, k: number, starts: Uint32Array): number {
  let p = 0;
  for (const i of starts) for (let a = 0; a < k; a++) p += (u[(i + 1) * k + a] - u[i * k + a]) ** 2;
  return starts.length ? p / starts.length : 0;
}

function evaluateLaw(law: Law, Z: Dataset, starts: Uint32Array): LawState {
  const k = law.model.variables.length;
  const d = Z.dim, N = Z.states.length / d, B = law.subspace.basis;
  if (B.length !== k || B.some((row) => row.length !== d))
    throw new Error(`law ${law.id}: basis is ${B.length}×${B[0]?.length ?? 0}, expected ${k}×${d}`);
  const cl = compileLaw(law);
  const u = cl.projectAll(Z.states, d);
  const isMap = law.model.role === 'map';
  const inv = new Float64Array(isMap ? 0 : N);
  for (let i = 0; i < inv.length; i++) inv[i] = cl.invariant(u.subarray(i * k, i * k + k));
  const step = meanSquaredStep(u, k, starts), spreadU = spreadOf(u, k), spreadI = isMap ? 0 : spreadOf(inv, 1);
  const yardstick = isMap ? step : spreadU > 0 ? (spreadI * step) / spreadU : 0;
  return { law, cl, isMap, u, inv, step, spreadU, spreadI, yardstick, r: cl.residualVectors(u, starts), rDim: cl.residualDim };
}

function selectLaws(laws: Law[], opts: BridgeOptions): Law[] {
  return opts.maxLaws === undefined ? laws : laws.slice(0, opts.maxLaws);
}

/**
 * Measure each law on the latents and freeze its weights: tolerance, inlier fraction q, w(q), and the
 * per-transition weights c_t. (Step 1 of {@link bridge}; exposed so tests can hold weights fixed.)
 */
export function computeWeights(latents: Dataset, laws: Law[], opts: BridgeOptions = {}): LawWeights[] {
  const starts = transitionStarts(latents.offsets);
  return selectLaws(laws, opts).map((law) => {
    const st = evaluateLaw(law, latents, starts);
    const norms = st.cl.residualsAll(st.u, starts);
    const tol = opts.relTolerance !== undefined
      ? opts.relTolerance * Math.sqrt(st.yardstick)
      : st.isMap ? mapTolerance(law, st.step) : law.metrics.tolerance * Math.sqrt(st.spreadI);
    // Nothing to explain (a frozen subspace, a constant I): every law "holds" there, so none counts.
    const judged = st.yardstick > 0;
    let inliers = 0;
    if (judged) for (const r of norms) if (r <= tol) inliers++;
    const q = norms.length ? inliers / norms.length : 0;
    const weight = lawWeight(q, opts);
    const transitionWeights = new Float64Array(norms.length);
    if (weight > 0) for (let t = 0; t < norms.length; t++) transitionWeights[t] = transitionWeight(norms[t], tol, opts);
    return { id: law.id, inlierFraction: q, weight, tolerance: tol, transitionWeights, residuals: norms };
  });
}

/** ∇_u I(u_i) = Σ_j C[0][j] ∇φ_j(u_i), written into `out` (`jac` is scratch of length m·k). */
function invariantGradient(st: LawState, i: number, jac: Float64Array, out: Float64Array): void {
  const { cl, u } = st;
  const { k, m } = cl.features;
  const C = st.law.model.coefficients;
  cl.features.jacobian(u.subarray(i * k, i * k + k), jac);
  out.fill(0);
  for (let q = 0; q < m; q++) for (let a = 0; a < k; a++) out[a] += C[0][q] * jac[q * k + a];
}

/** A = 1/(2n) Σ_t c_t ‖r_t‖² and ∂A/∂u (per state, in subspace coordinates) at fixed weights c_t. */
function residualTerm(st: LawState, c: Float64Array, starts: Uint32Array): { A: number; dA: Float64Array } {
  const { cl, u, r, rDim } = st;
  const { k, m } = cl.features;
  const n = starts.length, N = u.length / k;
  const C = st.law.model.coefficients;
  let A = 0;
  const dA = new Float64Array(N * k);
  const jac = new Float64Array(m * k), gI = new Float64Array(k);
  for (let t = 0; t < n; t++) {
    if (c[t] === 0) continue;
    let r2 = 0;
    for (let a = 0; a < rDim; a++) r2 += r[t * rDim + a] ** 2;
    if (!Number.isFinite(r2)) continue;
    A += (c[t] * r2) / (2 * n);
    const i = starts[t];
    if (st.law.model.role === 'map') {
      // ∂A/∂u_{i+1} = g; ∂A/∂u_i = −J_φ(u_i)^T C^T g, with g = c r / n.
      cl.features.jacobian(u.subarray(i * k, i * k + k), jac);
      for (let a = 0; a < k; a++) {
        const g = (c[t] * r[t * k + a]) / n;
        dA[(i + 1) * k + a] += g;
        for (let q = 0; q < m; q++) {
          const ca = C[a][q] * g;
          if (ca !== 0) for (let b = 0; b < k; b++) dA[i * k + b] -= ca * jac[q * k + b];
        }
      }
    } else {
      const g = (c[t] * r[t]) / n;
      invariantGradient(st, i + 1, jac, gI);
      for (let a = 0; a < k; a++) dA[(i + 1) * k + a] += g * gI[a];
      invariantGradient(st, i, jac, gI);
      for (let a = 0; a < k; a++) dA[i * k + a] -= g * gI[a];
    }
  }
  return { A, dA };
}

/** Adds `scale` · ∂P/∂u to `out` (N×k): ∂P/∂u_{i+1} = 2/n Δ_t, ∂P/∂u_i = −2/n Δ_t. */
function addStepGradient(st: LawState, starts: Uint32Array, scale: number, out: Float64Array): void {
  const { u } = st, k = st.cl.features.k, g = (2 * scale) / starts.length;
  for (const i of starts)
    for (let a = 0; a < k; a++) {
      const step = g * (u[(i + 1) * k + a] - u[i * k + a]);
      out[(i + 1) * k + a] += step;
      out[i * k + a] -= step;
    }
}

/** Adds `scale` · ∂V_u/∂u to `out`: ∂V_u/∂u_i = 2/N (u_i − ū). */
function addSpreadGradient(st: LawState, scale: number, out: Float64Array): void {
  const { u } = st, k = st.cl.features.k, N = u.length / k, mean = meanOf(u, k);
  for (let i = 0; i < N; i++) for (let a = 0; a < k; a++) out[i * k + a] += ((2 * scale) / N) * (u[i * k + a] - mean[a]);
}

/** Adds `scale` · ∂V_I/∂u to `out`: ∂V_I/∂u_i = 2/N (I_i − Ī) ∇I(u_i). */
function addInvariantSpreadGradient(st: LawState, scale: number, out: Float64Array): void {
  const { k, m } = st.cl.features, N = st.inv.length, mean = meanOf(st.inv, 1)[0];
  const jac = new Float64Array(m * k), gI = new Float64Array(k);
  for (let i = 0; i < N; i++) {
    invariantGradient(st, i, jac, gI);
    const f = ((2 * scale) / N) * (st.inv[i] - mean);
    for (let a = 0; a < k; a++) out[i * k + a] += f * gI[a];
  }
}

/** ∂S/∂u per state (N×k). Invariants: S = V_I P / V_u, differentiated factor by factor. */
function yardstickGradient(st: LawState, starts: Uint32Array): Float64Array {
  const dS = new Float64Array(st.u.length);
  if (st.isMap) {
    addStepGradient(st, starts, 1, dS);
    return dS;
  }
  const Vu = st.spreadU;
  addStepGradient(st, starts, st.spreadI / Vu, dS);
  addInvariantSpreadGradient(st, st.step / Vu, dS);
  addSpreadGradient(st, -(st.spreadI * st.step) / (Vu * Vu), dS);
  return dS;
}

/**
 * Adds w · ∂(A/S)/∂Z to G; quotient rule: ∂(A/S) = ∂A/S − A/S² ∂S, then ∂/∂z = B^T ∂/∂u.
 * @returns w · A/S, the law's share of the loss
 */
function addLawGradient(st: LawState, weight: number, A: number, dA: Float64Array, starts: Uint32Array, G: Float64Array, d: number): number {
  const k = st.cl.features.k, N = st.u.length / k;
  const S = st.yardstick;
  const coefA = weight / S, coefS = (weight * A) / (S * S);
  const dS = yardstickGradient(st, starts);
  const B = st.law.subspace.basis;
  for (let i = 0; i < N; i++)
    for (let a = 0; a < k; a++) {
      const g = coefA * dA[i * k + a] - coefS * dS[i * k + a];
      if (g !== 0) for (let c = 0; c < d; c++) G[i * d + c] += B[a][c] * g;
    }
  return weight * (A / S);
}

/**
 * L(Z) and G = ∂L/∂Z for fixed weights (step 2 of {@link bridge}). `weights[j]` belongs to
 * `laws[j]` (after `maxLaws` selection, as returned by {@link computeWeights}).
 */
export function physicsLossAndGradient(
  latents: Dataset,
  laws: Law[],
  weights: LawWeights[],
): { loss: number; gradient: Float64Array; perLaw: number[] } {
  const d = latents.dim, N = latents.states.length / d;
  const starts = transitionStarts(latents.offsets);
  const G = new Float64Array(N * d);
  const perLaw: number[] = [];
  let loss = 0;
  for (let j = 0; j < weights.length; j++) {
    const wt = weights[j];
    if (wt.weight === 0 || starts.length === 0) {
      perLaw.push(0);
      continue;
    }
    const st = evaluateLaw(laws[j], latents, starts);
    // Nothing moves (or I is constant): no motion to explain, and computeWeights gives no weight.
    if (!(st.yardstick > 0)) {
      perLaw.push(0);
      continue;
    }
    const { A, dA } = residualTerm(st, wt.transitionWeights, starts);
    const share = addLawGradient(st, wt.weight, A, dA, starts, G, d);
    perLaw.push(share);
    loss += share;
  }
  return { loss, gradient: G, perLaw };
}

/**
 * The bridge: measure the laws on the latents, freeze the weights, and return L(Z) and G = ∂L/∂Z
 * (see the module comment for the formula). Laws under qMin cost nothing beyond measuring them.
 * @param latents current latents; trajectories as in {@link Dataset} (transitions never cross them)
 * @param laws ranked laws, e.g. `FitResult.laws` from a search on (earlier) latents of the same encoder
 */
export function bridge(latents: Dataset, laws: Law[], opts: BridgeOptions = {}): BridgeResult {
  const used = selectLaws(laws, opts);
  const weights = computeWeights(latents, used, opts);
  const { loss, gradient, perLaw } = physicsLossAndGradient(latents, used, weights);
  return { gradient, loss, laws: weights.map((w, j) => ({ ...w, loss: perLaw[j] })) };
}
