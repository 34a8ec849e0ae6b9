/**
 * Streaming over transitions in blocks: each block's states are projected onto a subspace and their
 * features evaluated once, into scratch buffers reused from block to block. Passes over all N
 * transitions therefore hold no N-sized copy of the data, and consecutive transitions of a
 * trajectory share the state between them (its features are evaluated once, not twice).
 */
import type { Expr } from '../../grammar/expr-ir.js';
import { FeatureCatalog, subspaceVariables } from '../model/features.js';
import { blockProjector } from '../kernels/project.js';
import { type DataContext } from '../moments/transitions.js';

/** Transitions per block: large enough to amortise per-block calls, small enough to stay in cache. */
export const BLOCK = 1024;

/** One block of transitions, valid only during the callback (buffers are reused). */
export interface Block {
  count: number;
  /** Global transition index of each entry. */
  t: Uint32Array;
  /**
   * Row of z_{t+1} in `X` and `Phi`. Entry i's first state z_t is row i, so the first states of a
   * block's transitions are the first `count` rows of every column.
   */
  vRow: Uint32Array;
  /** Projected states, stride k. */
  X: Float64Array;
  /**
   * Features of the states, column-major: feature j of row r at `Phi[j * stride + r]`, features in
   * the order given to the stream.
   */
  Phi: Float64Array;
  /** Column stride of `Phi` (its row capacity). */
  stride: number;
}

/** Positions [from, to) of the transitions a pass visits. */
export interface PassRange {
  from: number;
  to: number;
}

/** A compiled stream: the basis and feature list fixed, run over all transitions or a selection. */
export interface TransitionStream {
  k: number;
  features: string[];
  /**
   * Visit `select` (ascending transition indices) or, when null, every transition, in order; `range`
   * limits the visit to positions [from, to) of `select` (or to those transitions).
   */
  run(select: Uint32Array | null, onBlock: (b: Block) => void, range?: PassRange): void;
}

/**
 * Prepare a stream over `ctx`'s transitions on `basis` with the given features of u1…uk. States are
 * projected by `blockProjector` (the arithmetic of `projector`, which the finalists' sample view uses),
 * so sample and full passes agree exactly.
 */
export function transitionStream(ctx: DataContext, basis: number[][], features: string[], catalog: FeatureCatalog): TransitionStream {
  const k = basis.length;
  const dim = ctx.dim;
  const M = features.length;
  const rows = 2 * BLOCK;
  const projectRows = blockProjector(basis, dim);
  const evalBlock = catalog.compileBlock(features, subspaceVariables(k), rows);
  const block: Block = {
    count: 0,
    t: new Uint32Array(BLOCK),
    vRow: new Uint32Array(BLOCK),
    X: new Float64Array(rows * k),
    Phi: new Float64Array(rows * M),
    stride: rows,
  };
  const stateOf = new Int32Array(rows);
  const { states, starts } = ctx;

  return {
    k,
    features,
    run(select, onBlock, range) {
      const total = range ? range.to : select ? select.length : starts.length;
      for (let from = range ? range.from : 0; from < total; from += BLOCK) {
        const count = Math.min(BLOCK, total - from);
        const nRows = blockRows(starts, select, from, count, block.t, block.vRow, stateOf);
        block.count = count;
        projectRows(states, stateOf, nRows, block.X, 0);
        evalBlock(block.X, nRows, block.Phi, rows, 0);
        onBlock(block);
      }
    },
  };
}

/**
 * The states a block of `count` transitions (from position `from` of `select`, or of all) reads, into
 * `stateOf`; returns how many. Row i is the first state of transition i; its second state is row i + 1
 * when that is where the next transition starts (same trajectory), else a row after the first `count`.
 * Module-level, not in the stream's closure: streams die with their pass, and V8 drops a dead closure's
 * optimised code (docs/performance.md#v8-and-closures).
 */
function blockRows(starts: Uint32Array, select: Uint32Array | null, from: number, count: number, t: Uint32Array, vRow: Uint32Array, stateOf: Int32Array): number {
  for (let i = 0; i < count; i++) {
    const ti = select ? select[from + i] : from + i;
    t[i] = ti;
    stateOf[i] = starts[ti];
  }
  let nRows = count;
  for (let i = 0; i < count; i++) {
    const next = stateOf[i] + 1;
    if (i + 1 < count && stateOf[i + 1] === next) vRow[i] = i + 1;
    else {
      stateOf[nRows] = next;
      vRow[i] = nRows++;
    }
  }
  return nRows;
}

/**
 * A worker task's stream over the union of several laws' features (from the task's validated trees),
 * and where each law's features are in it.
 */
export function lawsStream(ctx: DataContext, basis: number[][], trees: [string, Expr][], featureLists: string[][]): { stream: TransitionStream; cols: number[][] } {
  const catalog = new FeatureCatalog(trees);
  const { union, cols } = catalog.union(featureLists);
  return { stream: transitionStream(ctx, basis, union, catalog), cols };
}
