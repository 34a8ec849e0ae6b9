// What the lag-2 sums (measurement noise, moments/lagged.ts) add to the moment pass, on one thread:
// the pass with them, without them, and a separate lagged pass over every 2nd and 6th transition.
// Usage: npm run build && node benchmarks/lag-sums.mjs FILE [runs=3]   (FILE e.g. from save-rotation.mjs)
import { loadDataset } from 'latent-laws';
import { accumulateMoments, momentShift } from '../dist/src/engine/moments/moments.js';
import { accumulateLagged } from '../dist/src/engine/moments/lagged.js';
import { transitionStarts } from '../dist/src/engine/moments/transitions.js';

const data = loadDataset(process.argv[2]);
const runs = Number(process.argv[3] ?? 3);
const starts = transitionStarts(data.offsets), n = starts.length, d = data.dim;
const shift = momentShift(data.states, d);
const ms = (f) => {
  const t = performance.now();
  f();
  return Math.round(performance.now() - t);
};
for (let r = 0; r < runs; r++)
  console.log(JSON.stringify({
    n, d,
    withLagMs: ms(() => accumulateMoments(data.states, d, starts, shift, 0, n, true)),
    withoutLagMs: ms(() => accumulateMoments(data.states, d, starts, shift, 0, n)),
    laggedStride2Ms: ms(() => accumulateLagged(data.states, d, starts, shift, 0, n, 2)),
    laggedStride6Ms: ms(() => accumulateLagged(data.states, d, starts, shift, 0, n, 6)),
  }));
