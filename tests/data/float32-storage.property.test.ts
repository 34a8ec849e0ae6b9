/**
 * Float32 latents stay float32 in memory (.npy and .npz members in native byte order, .safetensors F32):
 * half the memory of the float64 data set, and the same fit to the bit, because every float32 value is
 * a float64 exactly and every sum is taken in float64.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadDataset } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { plantLaw, type PlantedKind } from '../../src/planted.ts';
import type { Dataset, FitResult } from '../../src/types.ts';
import { fit } from '../../src/engine/fit.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('float32');

/** A .safetensors file of one little-endian F32 tensor (written from the format's description). */
function safetensorsF32(values: Float32Array, shape: number[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ z: { dtype: 'F32', shape, data_offsets: [0, values.byteLength] } }));
  const out = new Uint8Array(8 + json.length + values.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 8 + json.length);
  return out;
}

const comparable = (r: FitResult) => JSON.stringify({ laws: r.laws, complement: r.complement, pareto: r.pareto, screened: r.provenance.candidatesScreened });

test('float32 files load as float32 and fit exactly as the same values in float64', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<PlantedKind>('rotation', 'ellipse', 'pendulum', 'affine'),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.constantFrom(0, 1e-4, 1e-2),
      async (kind, noiseDims, seed, noise) => {
        const planted = plantLaw({ kind, noiseDims, seed, noise, trajectories: 6, steps: 60 }).dataset;
        const K = planted.offsets.length - 1, T = planted.offsets[1] - planted.offsets[0], d = planted.dim;
        const f32 = Float32Array.from(planted.states);
        const files = {
          npy32: join(dir, `p${run}-32.npy`),
          npy64: join(dir, `p${run}-64.npy`),
          st32: join(dir, `p${run}-32.safetensors`),
        };
        run++;
        writeFileSync(files.npy32, writeNpy(f32, [K, T, d]));
        writeFileSync(files.npy64, writeNpy(Float64Array.from(f32), [K, T, d]));
        writeFileSync(files.st32, safetensorsF32(f32, [K, T, d]));
        const [as32, as64, fromSt] = [files.npy32, files.npy64, files.st32].map((f) => loadDataset(f)) as Dataset[];
        assert.ok(as32.states instanceof Float32Array && fromSt.states instanceof Float32Array, 'float32 kept');
        assert.ok(as64.states instanceof Float64Array);
        assert.equal(as32.states.byteLength * 2, as64.states.byteLength);
        const [r32, r64] = await Promise.all([as32, as64].map((data) => fit(data, { workers: 0, seed: 1 })));
        assert.equal(comparable(r32), comparable(r64));
      },
    ),
    { numRuns: 6, seed: 5 },
  );
});

test('worker threads read float32 data as float32: the same fit as inline on float64', async () => {
  const planted = plantLaw({ kind: 'rotation', noiseDims: 4, seed: 3, noise: 1e-3, trajectories: 20, steps: 100 }).dataset;
  const K = planted.offsets.length - 1, T = planted.offsets[1] - planted.offsets[0], d = planted.dim;
  const f32 = Float32Array.from(planted.states);
  const [p32, p64] = [join(dir, 'w-32.npy'), join(dir, 'w-64.npy')];
  writeFileSync(p32, writeNpy(f32, [K, T, d]));
  writeFileSync(p64, writeNpy(Float64Array.from(f32), [K, T, d]));
  const onWorkers = await fit(loadDataset(p32), { workers: 2, seed: 1 });
  const inline = await fit(loadDataset(p64), { workers: 0, seed: 1 });
  assert.equal(comparable(onWorkers), comparable(inline));
  assert.match(onWorkers.laws[0].summary, /R\(/);
});
