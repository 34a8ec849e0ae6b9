/**
 * V8's heap growth for a fit on many dimensions. A fit's worker threads allocate d × d matrices by the
 * hundred and keep few of them, and V8 grows a heap by up to 4× after each full collection when
 * collections are cheap, as they are with so little alive: at d = 1024 the workers' heaps held over
 * half a gigabyte of garbage each. A fixed, smaller growth step collects sooner; at d = 256 it only
 * costs time (docs/performance.md#heap-growth).
 */
import v8 from 'node:v8';

/** Percent a heap may grow past its live size before the next full collection. */
export const HEAP_GROWING_PERCENT = 20;

/** From this latent dimension on (d × d matrices of 2 MB and more) the growth step is set. */
export const HEAP_TUNING_FROM_DIM = 512;

/**
 * Set V8's heap growth step for this process and the worker threads it starts afterwards, when the
 * data have {@link HEAP_TUNING_FROM_DIM} dimensions or more. V8 flags are process-wide, so the command
 * line does this before it starts a fit's threads; a program that embeds latent-laws may call it (or
 * run `node --heap-growing-percent=20`). It changes no result, only when memory is collected.
 * @returns whether the step was set
 */
export function tuneHeap(dim: number): boolean {
  if (dim < HEAP_TUNING_FROM_DIM) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

/**
 * Young generation of a fit's threads, in MB (V8's default is 48). A fit's steps make arrays that die
 * within the step; a smaller nursery collects them sooner instead of touching fresh pages, which at
 * d = 256 left 60 MB less resident and took no more time (docs/performance.md#young-generation).
 * The pool's worker threads get it as a resource limit.
 */
export const YOUNG_GENERATION_MB = 12;

/**
 * {@link YOUNG_GENERATION_MB} for a process's main thread: a V8 flag (three semi-spaces make the young
 * generation) that only a process starting with it takes, such as the command line's huge-page child.
 */
export const YOUNG_GENERATION_FLAG = `--max-semi-space-size=${YOUNG_GENERATION_MB / 3}`;
