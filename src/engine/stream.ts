/**
 * Streaming over transitions in blocks: each block's states are projected onto a subspace and their
 * features evaluated once, into scratch buffers reused from block to block. Passes over all N
 * transitions therefore hold no N-sized copy of the data, and consecutive transitions of a
 * trajectory share the state between them (its features are evaluated once, not twice).
 */
import { compileFeatureBlock, subspaceVariables } from './features.js';
import type { DataContext } from './screen.js';

/** Transitions per block: large enough to amortise per-block calls, small enough to stay in cache. */
export const BLOCK = 1024;

/** One block of transitions, valid only during the callback (buffers are reused). */
export interface Block {
  count: number;
  /** Global transition index of each entry. */
  t: Uint32Array;
  /** Row of z_t and of z_{t+1} in `X` and `Phi`. */
  uRow: Uint32Array;
  vRow: Uint32Array;
  /** Projected states, stride k. */
  X: Float64Array;
  /** Features of the states, stride `features.length`, in the order given to the stream. */
  Phi: Float64Array;
}

/** A compiled stream: the basis and feature list fixed, run over all transitions or a selection. */
export interface TransitionStream {
  k: number;
  features: string[];
  /** Visit `select` (ascending transition indices) or, when null, every transition, in order. */
  run(select: Uint32Array | null, onBlock: (b: Block) => void): void;
}

/** Is this basis the identity (the whole space in its own coordinates)? Then no projection is needed. */
function isIdentity(basis: number[][], dim: number): boolean {
  return basis.length === dim && basis.every((row, i) => row.every((v, j) => v === (i === j ? 1 : 0)));
}

/**
 * Prepare a stream over `ctx`'s transitions on `basis` with the given features of u1…uk. Projection
 * sums p = 0…d−1 in order from 0, the same arithmetic as every other projection in the engine.
 */
export function transitionStream(ctx: DataContext, basis: number[][], features: string[]): TransitionStream {
  const k = basis.length;
  const dim = ctx.dim;
  const M = features.length;
  const rows = 2 * BLOCK;
  const B = Float64Array.from(basis.flat());
  const identity = isIdentity(basis, dim);
  const evalBlock = compileFeatureBlock(features, subspaceVariables(k), rows);
  const block: Block = {
    count: 0,
    t: new Uint32Array(BLOCK),
    uRow: new Uint32Array(BLOCK),
    vRow: new Uint32Array(BLOCK),
    X: new Float64Array(rows * k),
    Phi: new Float64Array(rows * M),
  };
  const stateOf = new Int32Array(rows);
  const { states, starts } = ctx;

  const project = (nRows: number) => {
    const X = block.X;
    for (let r = 0; r < nRows; r++) {
      const off = stateOf[r] * dim;
      if (identity) {
        for (let a = 0; a < k; a++) X[r * k + a] = states[off + a];
        continue;
      }
      for (let a = 0; a < k; a++) {
        const bo = a * dim;
        let acc = 0;
        for (let p = 0; p < dim; p++) acc += B[bo + p] * states[off + p];
        X[r * k + a] = acc;
      }
    }
  };

  return {
    k,
    features,
    run(select, onBlock) {
      const total = select ? select.length : starts.length;
      for (let from = 0; from < total; from += BLOCK) {
        const count = Math.min(BLOCK, total - from);
        let nRows = 0;
        let last = -1;
        for (let i = 0; i < count; i++) {
          const t = select ? select[from + i] : from + i;
          const s = starts[t];
          block.t[i] = t;
          // The state that ended the previous transition starts this one (same trajectory).
          if (s !== last) stateOf[nRows++] = s;
          block.uRow[i] = nRows - 1;
          stateOf[nRows] = s + 1;
          block.vRow[i] = nRows++;
          last = s + 1;
        }
        block.count = count;
        project(nRows);
        evalBlock(block.X, nRows, block.Phi, M, 0);
        onBlock(block);
      }
    },
  };
}
