// The benchmarks' rotation data set (planted-rotation.mjs) saved as a .npy file [K, T, d], for timing
// the command line end to end: node benchmarks/save-rotation.mjs 1e6 16 big.npy
//   then: latent-laws fit big.npy --json
// A fourth argument rounds the values to float32 and saves them as float32 (f4), or the same rounded
// values as float64 (f4-in-f8): the two files hold equal values, so their fits agree to the bit.
import { writeFileSync } from 'node:fs';
import { writeNpy } from '../dist/src/data/npy.js';
import { plantedRotation } from './planted-rotation.mjs';

const [N, d] = process.argv.slice(2, 4).map(Number);
const out = process.argv[4];
const storage = process.argv[5] ?? 'f8';
if (!(N > 0 && d >= 2 && out && ['f8', 'f4', 'f4-in-f8'].includes(storage))) throw new Error('usage: node benchmarks/save-rotation.mjs N d out.npy [f8|f4|f4-in-f8]');
const data = plantedRotation(N, d, 12345);
const T = data.offsets[1] - data.offsets[0];
const values = storage === 'f8' ? data.states : storage === 'f4' ? Float32Array.from(data.states) : Float64Array.from(Float32Array.from(data.states));
writeFileSync(out, writeNpy(values, [data.offsets.length - 1, T, d]));
console.log(`wrote ${out}: ${data.offsets.length - 1} trajectories × ${T} states × ${d}`);
