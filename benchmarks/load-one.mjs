// Load one data file in its own process, so that the peak RSS is this load's alone.
// Usage: node benchmarks/load-one.mjs FILE  → prints one JSON line: load time, RSS before and after,
// peak RSS (resourceUsage maxRSS), the data set's size. The loaders are imported before the clock
// starts; HDF5's WebAssembly start-up and Parquet's decoders load inside the timed call, as they do
// in `latent-laws fit`.
import { loadDatasetAsync } from 'latent-laws';

const file = process.argv[2];
const rssBeforeMB = process.memoryUsage().rss / 2 ** 20;
const start = performance.now();
const data = await loadDatasetAsync(file);
const loadMs = performance.now() - start;
console.log(JSON.stringify({
  file,
  loadMs: Math.round(loadMs),
  rssBeforeMB: Math.round(rssBeforeMB),
  rssAfterMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  dataMB: Math.round(data.states.byteLength / 2 ** 20),
  states: data.offsets[data.offsets.length - 1],
  trajectories: data.offsets.length - 1,
  dim: data.dim,
}));
