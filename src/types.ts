/**
 * Shared data model of latent-laws. Every stage (loaders → statistics → grammar candidates →
 * fit and score → ranked laws → bridge / checks / reports) speaks in these types.
 */

/**
 * Latent values as stored: float64, or float32 as read from float32 files. Every float32 value is a
 * float64 exactly, and every sum and product is taken in float64, so results do not depend on which.
 */
export type StateArray = Float64Array | Float32Array;

/**
 * A set of latent trajectories of one dimension `dim`, stored contiguously so the whole set can be
 * handed to worker threads in one SharedArrayBuffer.
 */
export interface Dataset {
  /** Latent dimension d. */
  dim: number;
  /** All states, row-major (state i occupies `states[i*dim .. i*dim+dim)`), trajectory after trajectory. */
  states: StateArray;
  /** `offsets[k]` is the index of the first state of trajectory k; `offsets[K]` is the total state count. */
  offsets: number[];
  /** Where the data came from (a file path, or a description such as `demo(seed=7)`). */
  source: string;
}

/** Names of the rule families the engine knows how to fit. A grammar enables a subset of them. */
export const FAMILY_NAMES = [
  'identity',
  'constant',
  'translation',
  'scaling',
  'rotation',
  'damped_rotation',
  'skewed_rotation',
  'damped_skewed_rotation',
  'orthogonal',
  'linear',
  'affine',
  'library_map',
  'linear_invariant',
  'quadratic_invariant',
  'library_invariant',
] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

/** Whether a family predicts the next state (a map) or states a conserved quantity (an invariant). */
export type LawRole = 'map' | 'invariant';

export const INVARIANT_FAMILIES: ReadonlySet<FamilyName> = new Set([
  'linear_invariant',
  'quadratic_invariant',
  'library_invariant',
]);

/** A family enabled by a grammar, with its structural cost in bits. */
export interface FamilySpec {
  name: FamilyName;
  /** Description length of choosing this production, in bits. */
  cost: number;
}

/** Generators of the subspaces a family may act on. */
export type SubspaceGeneratorSpec =
  /** Every subset of up to `maxSize` input coordinates (axis-aligned subspaces). */
  | { kind: 'coordinates'; maxSize: number; cost: number }
  /** Invariant planes/lines of the fitted linear operator (real Schur / eigen decomposition, as in DMD). */
  | { kind: 'eigenspaces'; maxCount: number; cost: number }
  /** Leading principal subspaces of the state covariance, of dimension 1..maxSize. */
  | { kind: 'principal'; maxSize: number; cost: number }
  /** The whole latent space. */
  | { kind: 'full'; cost: number };

/**
 * A library term template: a mathjs expression over placeholder variables `a`, `b`, … that the
 * enumerator instantiates with the subspace coordinates (u1, u2, …). `arity` is the number of distinct
 * placeholders; for arity 2 the instantiations use ordered pairs a<b unless `symmetric` is false.
 */
export interface TermSpec {
  name: string;
  /** mathjs expression, e.g. `sin(a)`, `a*b`, `a^2`. Evaluated only in the restricted instance. */
  template: string;
  placeholders: string[];
  cost: number;
  /** 1-based source line in the grammar file, for error messages. */
  line: number;
}

/** Search limits from the grammar (all optional in the file; defaults filled in by the parser). */
export interface SearchLimits {
  /** Upper bound on candidates screened. */
  maxCandidates: number;
  /** How many screened candidates get a full per-sample pass. */
  maxFinalists: number;
  /** Library families only act on subspaces up to this dimension (features grow combinatorially). */
  maxLibraryDim: number;
  /** Quadratic invariants act on subspaces up to this dimension (k(k+3)/2 terms: 27 at 6). */
  maxQuadraticDim: number;
  /** Sequentially thresholded least squares: relative coefficient threshold. */
  stlsqThreshold: number;
  /** Largest denominator tried when snapping constants to exact values. */
  snapMaxDenominator: number;
  /** Transitions sampled for screening nonlinear (library) candidates. */
  screeningSample: number;
  /** How many ranked laws to report. */
  maxLaws: number;
  /** Coordinate subsets of each size ≥ 2 searched at most: the most predictable ones (many dimensions). */
  maxCoordinateSubsets: number;
}

/** A parsed grammar file. */
export interface Grammar {
  /** File the grammar came from (for messages and provenance). */
  source: string;
  families: FamilySpec[];
  subspaces: SubspaceGeneratorSpec[];
  terms: TermSpec[];
  limits: SearchLimits;
}

/** A subspace of the latent space, given by an orthonormal basis (rows, in input coordinates). */
export interface Subspace {
  /** Stable human-readable label, e.g. `coords[0,3]`, `eig(0.901±0.434i)`, `pca3`, `full`. */
  label: string;
  kind: 'coordinates' | 'eigenspace' | 'principal' | 'full';
  /** k rows of length d, orthonormal. Subspace coordinates are u_i = basis[i] · z. */
  basis: number[][];
  /** For coordinate subspaces, the coordinate indices. */
  coordinates?: number[];
  /** Description length of naming this subspace, in bits. */
  cost: number;
  /** Part of `cost` that states a data-estimated basis (k(d−k) coordinates); 0 for coordinate subsets and the full space. */
  basisBits?: number;
  /** The data take one value in this subspace on every trajectory (its law is that constant). */
  constant?: true;
}

/** A fitted parameter, with its snapped exact value when one was accepted. */
export interface LawParameter {
  name: string;
  value: number;
  /** Exact form as a mathjs expression (e.g. `pi/7`, `1/2`, `sqrt(2)/2`), when snapping was accepted. */
  exact?: string;
  /** Value of the exact form. */
  exactValue?: number;
}

/** Quality figures of a law, measured on every transition in the law's subspace coordinates. */
export interface LawMetrics {
  /** Root-mean-square residual over transitions (in data units; for invariants, in units of the invariant's std). */
  rmse: number;
  /** sqrt(residual sum of squares / variance sum of the subspace data): scale-free; near 0 is exact. */
  relativeError: number;
  /** RMS residual over the inliers only. */
  inlierRmse: number;
  /** Relative error over the inliers of the trimmed fit: how exact the law is where it holds. */
  inlierRelativeError: number;
  /** Share of transitions whose residual is within `tolerance`. */
  inlierFraction: number;
  /** Residual norm below which a transition counts as an inlier. */
  tolerance: number;
  /** Structural plus parameter cost, in bits. */
  complexity: number;
  /** MDL score: complexity plus residual code length relative to the null model, in bits (lower is better). */
  descriptionLength: number;
  nTransitions: number;
  /**
   * Invariants only: RMS change of I over whole runs of inlier transitions of a trajectory (in the
   * units of I as written). A conserved quantity stays within its tolerance however far it is followed.
   */
  drift?: number;
  /**
   * Maps only: the inlier residual as a share of the step it predicts, in the direction of the
   * subspace where that share is worst (1: no better than "nothing moves" there); absent where the
   * data hold still.
   */
  motionError?: number;
  /**
   * Maps on a subspace whose readings carry measurement noise that limits the fit: the noise's scales.
   * The law was fitted to be unbiased by that noise and holds for the clean state; `tolerance` is what
   * the noise explains.
   */
  noise?: MeasurementNoise;
}

/**
 * The evaluable form of a law, in subspace coordinates u = basis · z.
 * - map: u' = coefficients · [features(u)] (coefficients is k × m, one row per subspace coordinate);
 * - invariant: I(u) = coefficients[0] · [features(u)] is the same for z_t and z_{t+1}.
 * Features are mathjs expressions over the variables (`u1`, `u2`, …); `1` is the constant feature.
 */
export interface LawModel {
  role: LawRole;
  variables: string[];
  features: string[];
  coefficients: number[][];
}

/**
 * A map law restated in continuous time, for data sampled every `dt` time units (`fit`'s `dt`): the
 * linear flow du/dt = generator · u + drift whose value after dt is the law's step, and for rotations
 * their rates. Angles are read as the smallest turn per step (|θ| ≤ π): sampling cannot tell θ from
 * θ + 2π.
 */
export interface ContinuousTimeForm {
  /**
   * The principal matrix logarithm of the law's linear part divided by dt, in subspace coordinates;
   * null when the step has no real logarithm (an eigenvalue 0 or negative real: see `note`).
   */
  generator: number[][] | null;
  /** For maps with an offset: the constant term of du/dt = generator · u + drift. */
  drift?: number[];
  /** Rotations: θ / dt, radians per time unit (positive turns from u1 toward u2). */
  angularVelocity?: number;
  /** Rotations: 2π·dt / |θ|, time units per turn. */
  period?: number;
  /** Damped rotations: −ln(ρ) / dt per time unit (negative when the orbits grow). */
  decayRate?: number;
  /** Why the generator is missing. */
  note?: string;
}

/** A ranked law as reported to the user and written to JSON (see the README's schema). */
export interface Law {
  /** Rank-stable id, e.g. `rotation@eig(0.901±0.434i)`. */
  id: string;
  rank: number;
  family: FamilyName;
  role: LawRole;
  subspace: Subspace;
  /** The law as mathjs equations, with exact constants where snapped (one per subspace coordinate for maps). */
  equations: string[];
  /** LaTeX of the equations. */
  latex: string;
  /** One-line readable statement, e.g. "in the plane spanned by b1, b2: u' = R(pi/7)·u; radius conserved". */
  summary: string;
  parameters: LawParameter[];
  model: LawModel;
  metrics: LawMetrics;
  /** Indices (global transition numbering, see `transitionIndex`) of transitions outside tolerance. */
  outliers: number[];
  /** Derived facts (e.g. "radius conserved") and caveats. */
  notes: string[];
  /** Maps that are linear (or affine) in u, when the fit was given a time step: their continuous-time form. */
  continuousTime?: ContinuousTimeForm;
  /**
   * Laws of other families that fit the same subspace about as well but have a longer description, folded
   * into this one when duplicates collapse (see the "also fits as" notes), shortest description first.
   * Evaluable on their own (rollout falls back to them when this law diverges). Absent in files
   * written before they were kept.
   */
  alternatives?: LawAlternative[];
  /**
   * For maps: the invariants the map conserves (its "conserves I = …" notes), evaluable on their own,
   * with metrics from the same exact pass. Absent when there are none.
   */
  conserved?: LawAlternative[];
}

/**
 * A law folded into a shorter law on the same subspace: a {@link Law} without rank, outlier indices or
 * nested alternatives. Its metrics come from the same exact pass as the reported laws'.
 */
export type LawAlternative = Omit<Law, 'rank' | 'outliers' | 'alternatives' | 'conserved'>;

/** A candidate or finalist that threw or gave a non-finite value: skipped, and reported under its id. */
export interface Failure {
  id: string;
  error: string;
}

/**
 * Measurement noise of a law's subspace, when it limits the law's fit (the readings are noisy, the
 * clean state obeys the law): RMS per coordinate in data units, and as shares of the signal's RMS.
 */
export interface MeasurementNoise {
  measurementRms: number;
  processRms: number;
  measurementShare: number;
  processShare: number;
}

/**
 * The directions no reported law (and no constant) covers: how many, their RMS spread per direction in
 * data units, and the share of their value one or two steps on that their current value predicts
 * linearly (the larger).
 * `white noise`: at most 5% is predicted; `structure left`: more, so something there moves by rules
 * the search did not state (a slow drift, a law outside the grammar).
 */
export interface ComplementSummary {
  dim: number;
  rms: number;
  predictedShare: number;
  verdict: 'white noise' | 'structure left';
}

/** Everything `fit` returns: ranked laws plus provenance to reproduce them. */
export interface FitResult {
  /** The time between consecutive states, when the fit was given one (`dt`); laws then carry `continuousTime`. */
  dt?: number;
  laws: Law[];
  /** What the laws do not cover (null: the laws and constants span the whole latent space). */
  complement?: ComplementSummary | null;
  /**
   * Pareto front of complexity vs relative error over all finalists (ids refer to finalists).
   * `sampleOnly`: the finalist was ruled out as a law on the screening sample (its residuals there
   * were far above any tolerance it could get), so its error is the sample's estimate and it had no
   * pass over all transitions.
   */
  pareto: { id: string; family: FamilyName; subspace: string; complexity: number; relativeError: number; chosen: boolean; sampleOnly?: boolean }[];
  provenance: {
    source: string;
    grammar: string;
    seed: number;
    workers: number;
    version: string;
    dim: number;
    nTrajectories: number;
    nTransitions: number;
    tolerance: number | null;
    candidatesScreened: number;
    finalists: number;
    /** Finalists settled on the screening sample (ruled out as laws there; no pass over all transitions). */
    finalistsOnSample: number;
    /** Candidates that threw or produced NaN: reported and skipped. */
    failures: Failure[];
    /** True when the search was interrupted (Ctrl-C) and the laws are those ranked so far. */
    interrupted: boolean;
    elapsedMs: number;
    /** Wall time of each stage in ms (moments, subspaces, screening, finalists, evaluating). */
    timings: Record<string, number>;
    /**
     * Present when the data's largest |z| was outside [2^-100, 2^100]: the search ran on the data divided
     * by `factor` (an exact power of two) and the laws were stated back in data units; `note` says what
     * that changed (e.g. library terms left out).
     */
    scale?: { factor: number; note: string };
  };
}
