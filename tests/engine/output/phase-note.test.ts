/**
 * A sine and a cosine of one coordinate read as one shifted sine. What a user relies on: the identity
 * holds, and a pendulum charted from another zero than its rest angle is stated with that offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shiftedSine } from '../../../src/engine/output/phase-note.ts';
import { fit } from '../../../src/index.ts';
import { pendulumStates } from '../../../src/anneal/datasets.ts';

test('a·sin(u) + b·cos(u) = c·sin(u + φ) with |φ| < π/2', () => {
  const coefficient = fc.double({ min: -5, max: 5, noNaN: true }).filter((x) => Math.abs(x) > 1e-6);
  fc.assert(
    fc.property(coefficient, fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (a, b, u) => {
      const s = shiftedSine(a, b)!;
      assert.ok(Math.abs(s.phase) < Math.PI / 2);
      assert.ok(Math.abs(a * Math.sin(u) + b * Math.cos(u) - s.amplitude * Math.sin(u + s.phase)) <= 1e-12 * (Math.abs(a) + Math.abs(b)));
    }),
    { numRuns: 300, seed: 3 },
  );
});

test("a pendulum's angle charted from an offset zero: the map's note names the offset", async () => {
  await fc.assert(
    fc.asyncProperty(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.boolean(), fc.integer({ min: 0, max: 50 }), async (size, negative, seed) => {
      const offset = negative ? -size : size;
      const [K, T] = [20, 32];
      const st = pendulumStates(K, T, seed);
      const rows: number[] = [];
      const offsets = [0];
      for (let k = 0; k < K; k++) {
        for (let t = 0; t + 1 < T; t++) rows.push(st[2 * (k * T + t)] + offset, st[2 * (k * T + t + 1)] + offset);
        offsets.push(rows.length / 2);
      }
      const result = await fit({ states: Float64Array.from(rows), dim: 2, offsets, source: 'offset pendulum' }, { workers: 0, seed: 1 });
      const map = result.laws.find((l) => l.role === 'map');
      const note = map?.notes.find((n) => n.startsWith("as one sine in u2'"));
      assert.ok(note, `no shifted sine in ${map?.summary}`);
      // u = θ + offset, so the restoring force −k·sin θ is −k·sin(u − offset).
      const [, amplitude, sign, phase] = /= (-?[\d.e-]+)·sin\(u2 ([+-]) ([\d.e-]+)\)$/.exec(note)!;
      assert.ok(Number(amplitude) < 0, note);
      assert.ok(Math.abs((sign === '-' ? -1 : 1) * Number(phase) + offset) < 5e-3, `${note}, offset ${offset}`);
    }),
    { numRuns: 6, seed: 8 },
  );
});
