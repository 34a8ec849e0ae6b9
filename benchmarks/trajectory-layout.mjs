// What the benchmark generators share: about N transitions in trajectories of 100 states, written into
// one shared Float64Array (as loadDataset returns data), and normal draws from a seeded uniform source.

/** K trajectories of T = 100 states of dimension d holding at least N transitions, and their offsets. */
export function trajectoryLayout(N, d) {
  const T = 100;
  const K = Math.ceil(N / (T - 1));
  return { T, K, states: new Float64Array(new SharedArrayBuffer(K * T * d * 8)), offsets: Array.from({ length: K + 1 }, (_, k) => k * T) };
}

/** Standard normal draws (Box–Muller) from a uniform generator. */
export const gaussianOf = (rand) => () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
