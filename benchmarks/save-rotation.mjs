// The benchmarks' rotation data set (planted-rotation.mjs) saved as a .npy file [K, T, d], for timing
// the command line end to end: node benchmarks/save-rotation.mjs 1e6 16 big.npy
//   then: latent-laws fit big.npy --json
import { writeFileSync } from 'node:fs';
import { writeNpy } from '../dist/src/data/npy.js';
import { plantedRotation } from './planted-rotation.mjs';

const [N, d] = process.argv.slice(2, 4).map(Number);
const out = process.argv[4];
if (!(N > 0 && d >= 2 && out)) throw new Error('usage: node benchmarks/save-rotation.mjs N d out.npy');
const data = plantedRotation(N, d, 12345);
const T = data.offsets[1] - data.offsets[0];
writeFileSync(out, writeNpy(data.states, [data.offsets.length - 1, T, d]));
console.log(`wrote ${out}: ${data.offsets.length - 1} trajectories × ${T} states × ${d}`);
