#!/usr/bin/env node
/**
 * Acceptance benchmark of the encoder bridge (issue 3). Runs against the compiled library:
 *   npm run build && node benchmarks/anneal.mjs [--datasets spinning,pendulum] [--seeds 5] [--epochs 40]
 *     [--lambda 1] [--anneal-grammar simple|default] [--workers 0] [--out /tmp/latent-laws-anneal-bench]
 *
 * For every dataset and seed it trains the same network twice — with the physics loss (λ > 0) and without
 * (λ = 0, the baseline) — then, on the held-out sequences' latents, runs `fit` with its defaults and
 * reports the best rotation-like map law (its inlier fraction, and the rotation angle and modulus read off
 * the eigenvalues of its linear part), the held-out reconstruction MSE, and a 50-step rollout's frame MSE.
 * When the baseline's default search finds no map law, its rollout uses the best map law of a search with a
 * looser tolerance (maxRelativeTolerance 0.3) on its training latents, marked "(loose)".
 * Prints a table and the acceptance checks; not a unit test.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { anneal, rollout, withoutLibraryFamilies, SPIN_ANGLE } from '../dist/src/anneal/index.js';
import { fit } from '../dist/src/engine/fit.js';
import { defaultGrammarPath, loadGrammar } from '../dist/src/grammar/load.js';
import { parseNpy } from '../dist/src/data/npy.js';

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const datasets = arg('datasets', 'spinning,pendulum').split(',');
const seeds = Number(arg('seeds', '5'));
const epochs = Number(arg('epochs', '40'));
const lambda = Number(arg('lambda', '1'));
const workers = Number(arg('workers', '0'));
const outRoot = arg('out', '/tmp/latent-laws-anneal-bench');
const fullGrammar = loadGrammar(defaultGrammarPath());
const trainGrammar = arg('anneal-grammar', 'simple') === 'simple' ? withoutLibraryFamilies(fullGrammar) : fullGrammar;
const ROLL = 50;

/** Training searches: the schedule's tolerance as the cap, simple families; final searches: fit's defaults. */
const search = (latents, hints) =>
  fit(latents, hints.final ? { workers, seed: 1 } : { workers, seed: 1, grammar: trainGrammar, maxRelativeTolerance: hints.searchTolerance });

/** Angle and modulus of the complex eigenvalue pair of a 2-D map law's linear part, or null. */
function rotationOf(law) {
  if (law.role !== 'map' || law.model.variables.length !== 2) return null;
  const col = (v) => law.model.features.indexOf(v);
  const [i1, i2] = [col('u1'), col('u2')];
  if (i1 < 0 || i2 < 0) return null;
  const [[a, b], [c, d]] = law.model.coefficients.map((row) => [row[i1], row[i2]]);
  const half = (a + d) / 2, disc = half * half - (a * d - b * c);
  if (disc >= 0) return null;
  return { angle: Math.atan2(Math.sqrt(-disc), half), modulus: Math.sqrt(a * d - b * c) };
}

function bestRotation(result) {
  for (const law of result?.laws ?? []) {
    const rot = rotationOf(law);
    if (rot) return { law, ...rot };
  }
  return null;
}

async function rolloutOf(runDir) {
  const laws = JSON.parse(readFileSync(join(runDir, 'laws.json'), 'utf8'));
  if (laws.laws.some((l) => l.role === 'map')) return { ...(await rollout({ run: runDir, steps: ROLL })), loose: false };
  const z = parseNpy(readFileSync(join(runDir, 'latents.npy')), 'latents.npy');
  const [K, T, d] = z.shape;
  const loose = await fit({ dim: d, states: z.data, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: runDir }, { workers, seed: 1, maxRelativeTolerance: 0.3 });
  if (!loose.laws.some((l) => l.role === 'map')) return null;
  return { ...(await rollout({ run: runDir, steps: ROLL, laws: loose })), loose: true };
}

const rows = [];
const fmt = (x, digits = 4) => (x === undefined || x === null || Number.isNaN(x) ? '-' : typeof x === 'number' ? x.toPrecision(digits) : String(x));
rmSync(outRoot, { recursive: true, force: true });
for (const dataset of datasets) {
  for (let seed = 0; seed < seeds; seed++) {
    for (const [mode, lam] of [['physics', lambda], ['baseline', 0]]) {
      const out = join(outRoot, `${dataset}-${mode}-s${seed}`);
      const t0 = performance.now();
      const res = await anneal({ out, data: { kind: dataset }, latent: 4, epochs, seed, search, schedule: { lambda: lam } });
      const wall = performance.now() - t0;
      const ho = res.final.heldoutLaws;
      const rot = bestRotation(ho);
      const best = ho.laws[0];
      const roll = await rolloutOf(out);
      const row = {
        dataset, seed, mode,
        best: best ? `${best.family} q=${best.metrics.inlierFraction.toFixed(3)}` : '(none)',
        rotLaw: rot ? rot.law.family : '-',
        q: rot?.law.metrics.inlierFraction,
        angle: rot ? (rot.angle * 180) / Math.PI : undefined,
        angleErr: rot ? (100 * Math.abs(rot.angle - SPIN_ANGLE)) / SPIN_ANGLE : undefined,
        modulus: rot?.modulus,
        recon: res.final.heldoutRecon,
        roll: roll?.meanMse, rollLoose: roll?.loose, persist: roll?.persistenceMse,
        secPerEpoch: wall / 1000 / epochs,
        share: (100 * (res.ms.bridge + res.ms.search)) / (res.ms.train + res.ms.search),
      };
      rows.push(row);
      console.error(`${dataset} seed ${seed} ${mode}: ${row.best}; rotation ${row.rotLaw} q=${fmt(row.q)} angle=${fmt(row.angle)}° recon=${fmt(row.recon)} rollout=${fmt(row.roll)} ${fmt(row.secPerEpoch, 3)} s/epoch`);
    }
  }
}

const header = ['dataset', 'seed', 'mode', 'best held-out law', 'rotation law', 'q', 'angle°', 'angle err %', '|λ|', 'recon MSE', `rollout MSE (${ROLL})`, 'persistence MSE', 's/epoch', 'bridge+search %'];
const table = rows.map((r) => [r.dataset, r.seed, r.mode, r.best, r.rotLaw, fmt(r.q, 3), fmt(r.angle, 4), fmt(r.angleErr, 2), fmt(r.modulus, 4), fmt(r.recon, 3), `${fmt(r.roll, 3)}${r.rollLoose ? ' (loose)' : ''}`, fmt(r.persist, 3), fmt(r.secPerEpoch, 3), fmt(r.share, 3)].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
console.log(line(header));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const t of table) console.log(line(t));

console.log(`\nsettings: epochs ${epochs}, λ ${lambda}, latent 4, training-search grammar ${arg('anneal-grammar', 'simple')}, workers ${workers}`);
for (const dataset of datasets) {
  const phys = rows.filter((r) => r.dataset === dataset && r.mode === 'physics');
  const base = rows.filter((r) => r.dataset === dataset && r.mode === 'baseline');
  const pass = phys.filter((r) => r.q >= 0.99 && r.angleErr <= 2).length;
  const reconOk = phys.filter((r, i) => r.recon <= 1.5 * base[i].recon).length;
  const rollOk = phys.filter((r, i) => r.roll !== undefined && (base[i].roll === undefined || r.roll < base[i].roll)).length;
  const share = phys.reduce((a, r) => a + r.share, 0) / phys.length;
  const spe = phys.reduce((a, r) => a + r.secPerEpoch, 0) / phys.length;
  console.log(`${dataset}: rotation q ≥ 0.99 and angle within 2%: ${pass}/${phys.length} seeds${dataset === 'spinning' ? ' (target ≥ 4/5)' : ' (no single angle: reported only)'}; ` +
    `recon ≤ 1.5× baseline: ${reconOk}/${phys.length}; rollout below baseline: ${rollOk}/${phys.length}; ` +
    `${spe.toFixed(2)} s/epoch; bridge+search ${share.toFixed(1)}% of the step time (target ≤ 25%)`);
}
