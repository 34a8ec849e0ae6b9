#!/usr/bin/env node
/**
 * Acceptance benchmark of the encoder bridge (results: docs/performance.md#anneal-acceptance). Runs
 * against the compiled library:
 *   npm run build && node benchmarks/anneal.mjs [--datasets spinning,pendulum | --frames F.npy --truth T.npy --heldout 10] [--seeds 5 | --seed-list 0,3] [--epochs 40]
 *     [--lambda λ] [--physics-cap c|none] [--max-laws N] [--hold manifold|mean|initial|reencode] [--anneal-grammar simple|invariants|default (unset: the library's choice)]
 *     [--q-min q] [--tol-start t] [--tol-end t] [--tol-decay f] [--latent 4] [--arch delay] [--batch-sequences 4] [--learning-rate 1e-3] [--modes physics,baseline] [--workers 0] [--out /tmp/latent-laws-anneal-bench] [--reuse]
 * `--reuse` re-analyses finished runs already in the output folder instead of training again.
 *
 * For every dataset and seed it trains the same network twice — with the physics loss (λ > 0) and without
 * (λ = 0, the baseline) — then, on the held-out sequences' latents, runs `fit` with its defaults and
 * reports the best rotation-like map law (its inlier fraction, and the rotation angle and modulus read off
 * the eigenvalues of its linear part; when the best laws are library maps, from the same search restricted
 * to the linear families, marked so), the held-out reconstruction MSE, and a 50-step rollout's frame MSE.
 * When the baseline's default search finds no map law, its rollout uses the best map law of a search with a
 * looser tolerance (maxRelativeTolerance 0.3) on its training latents, marked "(loose)".
 * Prints a table and the acceptance checks; not a unit test.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { anneal, rollout, trainingSearchOptions, withoutLibraryFamilies, SPIN_ANGLE } from 'latent-laws/anneal';
import { defaultGrammarPath, fit, loadDataset, loadGrammar } from 'latent-laws';
import { eigs } from 'mathjs';
import { judgePendulum } from './pendulum-acceptance.mjs';

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
// --frames FILE --truth FILE: a pendulum video of your own (benchmarks/sindy-pendulum.mjs writes both),
// two frames stacked per sample, its last --heldout sequences held out; judged as the pendulum.
const framesFile = arg('frames', undefined), truthFile = arg('truth', undefined);
const heldoutArg = arg('heldout', undefined);
const datasets = framesFile ? ['frames'] : arg('datasets', 'spinning,pendulum').split(',');
const seedList = arg('seed-list', undefined)?.split(',').map(Number) ?? [...Array(Number(arg('seeds', '5'))).keys()];
const epochs = Number(arg('epochs', '40'));
const lambdaArg = arg('lambda', undefined); // default: the library's schedule default
const workers = Number(arg('workers', '0'));
const maxLaws = arg('max-laws', undefined);
const qMin = arg('q-min', undefined); // default: the bridge's qMin
const modes = arg('modes', 'physics,baseline').split(',');
const physicsCap = arg('physics-cap', undefined); // default: the library's schedule default
const hold = arg('hold', undefined); // default: rollout's default (manifold)
const tolStart = arg('tol-start', undefined); // default: the library's schedule default
const tolEnd = arg('tol-end', undefined), tolDecay = arg('tol-decay', undefined); // default: the library's
const latentArg = arg('latent', undefined); // default: the library's (4, or one per frame for the angle chart)
const arch = arg('arch', undefined); // default: the library's (auto)
const batchSequences = arg('batch-sequences', undefined), learningRate = arg('learning-rate', undefined); // default: the library's
const reuse = argv.includes('--reuse');
const outRoot = arg('out', '/tmp/latent-laws-anneal-bench');
const fullGrammar = loadGrammar(defaultGrammarPath());
// simple: no library families; invariants: simple plus library invariants; default: all.
const trainGrammars = {
  simple: withoutLibraryFamilies(fullGrammar),
  invariants: { ...fullGrammar, families: fullGrammar.families.filter((f) => f.name !== 'library_map') },
  default: fullGrammar,
};
// Unset: the library's choice (trainingSearchOptions: simple families, the whole grammar for an angle chart).
const trainGrammarName = arg('anneal-grammar', undefined);
const trainGrammar = trainGrammarName && trainGrammars[trainGrammarName];
if (trainGrammarName && !trainGrammar) throw new Error(`--anneal-grammar must be one of ${Object.keys(trainGrammars).join(', ')}`);
const ROLL = 50;

/** Training searches: rough laws of the simple families (trainingSearchOptions); final searches: fit's defaults. */
const search = (latents, hints) =>
  fit(latents, hints.final ? { workers, seed: 1 } : { workers, seed: 1, ...trainingSearchOptions(fullGrammar, hints), ...(trainGrammar ? { grammar: trainGrammar } : {}) });

/**
 * Rotations in a linear map law: the complex eigenvalue pairs of modulus within 5% of 1 of its linear part (the
 * coefficients on u1..uk), as angles in radians, smallest first. The smallest is the fundamental; larger
 * ones are usually harmonics of the same closed latent curve.
 */
const LINEAR_FAMILIES = new Set(['rotation', 'damped_rotation', 'skewed_rotation', 'damped_skewed_rotation', 'orthogonal', 'linear', 'affine']);
function rotationsOf(law) {
  // Only linear families: a library map's linear coefficients alone do not describe its motion.
  if (law.role !== 'map' || !LINEAR_FAMILIES.has(law.family)) return [];
  const k = law.model.variables.length;
  const cols = law.model.variables.map((v) => law.model.features.indexOf(v));
  if (cols.some((c) => c < 0)) return [];
  const A = law.model.coefficients.map((row) => cols.map((c) => row[c]));
  let values;
  try {
    values = k === 1 ? [A[0][0]] : eigs(A).values;
  } catch {
    return [];
  }
  const out = [];
  for (const v of values.toArray ? values.toArray() : values) {
    const re = typeof v === 'number' ? v : v.re, im = typeof v === 'number' ? 0 : v.im;
    const mod = Math.hypot(re, im);
    if (im > 1e-9 && Math.abs(mod - 1) <= 0.05) out.push({ angle: Math.atan2(im, re), modulus: mod });
  }
  return out.sort((a, b) => a.angle - b.angle);
}

/** The best-ranked map law containing a rotation, with its fundamental angle and all its angles. */
function bestRotation(result) {
  for (const law of result?.laws ?? []) {
    const rots = rotationsOf(law);
    if (rots.length) return { law, ...rots[0], angles: rots.map((r) => (r.angle * 180) / Math.PI) };
  }
  return null;
}

const linearGrammar = withoutLibraryFamilies(fullGrammar);
const linearOnly = (rot) => rot && { ...rot, linearOnly: true };

async function rolloutOf(runDir) {
  const laws = JSON.parse(readFileSync(join(runDir, 'laws.json'), 'utf8'));
  if (laws.laws.some((l) => l.role === 'map')) return { ...(await rollout({ run: runDir, steps: ROLL, hold })), loose: false };
  const loose = await fit(loadDataset(join(runDir, 'latents.npy')), { workers, seed: 1, maxRelativeTolerance: 0.3 });
  if (!loose.laws.some((l) => l.role === 'map')) return null;
  return { ...(await rollout({ run: runDir, steps: ROLL, laws: loose, hold })), loose: true };
}

const rows = [];
const fmt = (x, digits = 4) => (x === undefined || x === null || Number.isNaN(x) ? '-' : x === Infinity ? 'diverged' : typeof x === 'number' ? x.toPrecision(digits) : String(x));
if (!reuse) rmSync(outRoot, { recursive: true, force: true });
for (const dataset of datasets) {
  for (const seed of seedList) {
    for (const [mode, lam] of [['physics', lambdaArg === undefined ? undefined : Number(lambdaArg)], ['baseline', 0]].filter(([m]) => modes.includes(m))) {
      const out = join(outRoot, `${dataset}-${mode}-s${seed}`);
      const done = reuse && existsSync(join(out, 'summary.json'));
      if (!done) {
        rmSync(out, { recursive: true, force: true });
        await anneal({ out, data: dataset === 'frames' ? { kind: 'file', path: framesFile, stack: 2 } : { kind: dataset }, ...(heldoutArg ? { heldout: Number(heldoutArg) } : {}), ...(latentArg ? { latent: Number(latentArg) } : {}), ...(arch ? { arch } : {}), ...(batchSequences ? { batchSequences: Number(batchSequences) } : {}), ...(learningRate ? { learningRate: Number(learningRate) } : {}), epochs, seed, search, schedule: { ...(lam === undefined ? {} : { lambda: lam }), ...(tolStart === undefined ? {} : { tolStart: Number(tolStart) }), ...(tolEnd === undefined ? {} : { tolEnd: Number(tolEnd) }), ...(tolDecay === undefined ? {} : { tolDecay: Number(tolDecay) }), ...(physicsCap === undefined ? {} : { physicsCap: physicsCap === 'none' ? Infinity : Number(physicsCap) }) }, bridge: { ...(maxLaws ? { maxLaws: Number(maxLaws) } : {}), ...(qMin ? { qMin: Number(qMin) } : {}) } });
      }
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      const logRecords = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const end = logRecords.filter((r) => r.type === 'end').pop();
      // How hard the physics cap bound: effective λ as a share of λ over the epochs with physics on.
      const capShares = logRecords.filter((r) => r.type === 'epoch' && r.lambda > 0 && r.effectiveLambda !== undefined).map((r) => r.effectiveLambda / r.lambda);
      const res = { final: { heldoutLaws: JSON.parse(readFileSync(join(out, 'heldout-laws.json'), 'utf8')), heldoutRecon: summary.heldoutRecon }, ms: end.ms };
      const ho = res.final.heldoutLaws;
      // fit's default ranking may prefer a library map that refines a rotation by small quadratic terms
      // (shorter description at n ≈ 250); the rotation is then asked of the same fit with the linear
      // families only, and the row says so ('linear families').
      const rot = bestRotation(ho) ?? linearOnly(bestRotation(await fit(loadDataset(join(out, 'heldout-latents.npy')), { workers, seed: 1, grammar: linearGrammar })));
      const best = ho.laws[0];
      const roll = await rolloutOf(out);
      const row = {
        dataset, seed, mode,
        best: best ? `${best.family} q=${best.metrics.inlierFraction.toFixed(3)}` : '(none)',
        rotLaw: rot ? `${rot.law.id}${rot.linearOnly ? ' (linear families)' : ''}` : '-',
        q: rot?.law.metrics.inlierFraction,
        angle: rot ? (rot.angle * 180) / Math.PI : undefined,
        angles: rot ? rot.angles.map((a) => a.toFixed(2)).join('/') : '-',
        angleErr: rot ? (100 * Math.abs(rot.angle - SPIN_ANGLE)) / SPIN_ANGLE : undefined,
        modulus: rot?.modulus,
        recon: res.final.heldoutRecon,
        roll: roll?.meanMse, rollLoose: roll?.loose, persist: roll?.persistenceMse,
        // The law actually rolled out: rollout replaces one that leaves the training range (stability.ts).
        rollLaw: roll ? `${roll.law.id}${roll.stability === 'fallback' ? ` (fallback from ${roll.fallbackFrom})` : roll.stability === 'unstable' ? ' (leaves range)' : ''}` : '-',
        capShare: capShares.length ? `${(100 * Math.min(...capShares)).toFixed(0)}–${(100 * Math.max(...capShares)).toFixed(0)}%` : '-',
        secPerEpoch: (res.ms.train + res.ms.search) / 1000 / epochs,
        share: (100 * (res.ms.bridge + res.ms.search)) / (res.ms.train + res.ms.search),
      };
      if (dataset === 'pendulum' || dataset === 'frames') row.pendulum = judgePendulum(out, truthFile);
      rows.push(row);
      console.error(`${dataset} seed ${seed} ${mode}: ${row.best}; rotation ${row.rotLaw} q=${fmt(row.q)} angle=${fmt(row.angle)}° recon=${fmt(row.recon)} rollout=${fmt(row.roll)} ${fmt(row.secPerEpoch, 3)} s/epoch`);
    }
  }
}

const header = ['dataset', 'seed', 'mode', 'best held-out law', 'rotation law', 'q', 'angle°', 'all angles°', 'angle err %', '|λ|', 'recon MSE', `rollout MSE (${ROLL})`, 'rollout law', 'persistence MSE', 'effective λ / λ', 's/epoch', 'bridge+search %'];
const table = rows.map((r) => [r.dataset, r.seed, r.mode, r.best, r.rotLaw, fmt(r.q, 3), fmt(r.angle, 4), r.angles, fmt(r.angleErr, 2), fmt(r.modulus, 4), fmt(r.recon, 3), `${fmt(r.roll, 3)}${r.rollLoose ? ' (loose)' : ''}`, r.rollLaw, fmt(r.persist, 3), r.capShare, fmt(r.secPerEpoch, 3), fmt(r.share, 3)].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
console.log(line(header));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const t of table) console.log(line(t));

// The pendulum has no single angle: issue #16 asks for a held-out law that is the pendulum's.
const pend = rows.filter((r) => r.pendulum);
if (pend.length) {
  const h = ['seed', 'mode', 'energy |corr| (q ≥ 0.99)', 'best invariant |corr|', 'maps q ≥ 0.99', 'θ\' R²', 'E R²', 'min RMS step / spread'];
  const t = pend.map((r) => [r.seed, r.mode, fmt(r.pendulum.energyCorr, 3), fmt(r.pendulum.bestInvariantCorr, 3), r.pendulum.nearPerfectMaps.join(' ') || '-', fmt(r.pendulum.omegaR2, 3), fmt(r.pendulum.energyR2, 3), fmt(r.pendulum.motion, 3)].map(String));
  const w = h.map((x, i) => Math.max(x.length, ...t.map((c) => c[i].length)));
  const ln = (cells) => '| ' + cells.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  console.log('\n' + ln(h));
  console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
  for (const c of t) console.log(ln(c));
}

console.log(`\nsettings: epochs ${epochs}, λ ${lambdaArg ?? 'default'}, physics cap ${physicsCap ?? 'default'}, bridge maxLaws ${maxLaws ?? 'default'}, qMin ${qMin ?? 'default'}, rollout hold ${hold ?? 'default'}, tolStart ${tolStart ?? 'default'}, tolEnd ${tolEnd ?? 'default'}, tolDecay ${tolDecay ?? 'default'}, latent ${latentArg ?? 'default'}, arch ${arch ?? 'default'}, batch sequences ${batchSequences ?? 'default'}, learning rate ${learningRate ?? 'default'}, training-search grammar ${trainGrammarName ?? 'default (the library\'s)'}, workers ${workers}`);
for (const dataset of datasets) {
  const phys = rows.filter((r) => r.dataset === dataset && r.mode === 'physics');
  const base = rows.filter((r) => r.dataset === dataset && r.mode === 'baseline');
  const pass = phys.filter((r) => r.q >= 0.99 && r.angleErr <= 2).length;
  // Without baseline runs (--modes physics) there is nothing to compare with.
  const reconOk = base.length === 0 ? '-' : phys.filter((r, i) => r.recon <= 1.5 * base[i].recon).length;
  const rollOk = base.length === 0 ? '-' : phys.filter((r, i) => r.roll !== undefined && (base[i].roll === undefined || r.roll < base[i].roll)).length;
  if (phys.length === 0) continue;
  const share = phys.reduce((a, r) => a + r.share, 0) / phys.length;
  const spe = phys.reduce((a, r) => a + r.secPerEpoch, 0) / phys.length;
  if (dataset === 'pendulum' || dataset === 'frames') {
    // A law that is the pendulum's: an energy-like invariant, or a near-perfect map rolling out better than the baseline.
    const isPendulums = (r, i) => r.pendulum.energyCorr >= 0.99 || (r.pendulum.nearPerfectMaps.length > 0 && base[i] && r.roll < base[i].roll);
    const ok = phys.filter((r, i) => isPendulums(r, i) && base[i] && r.recon <= 1.5 * base[i].recon).length;
    console.log(`${dataset}: the pendulum's law on held-out latents with recon ≤ 1.5× baseline: ${ok}/${phys.length} seeds (target ≥ 3/5); ` +
      `smallest motion/spread ${Math.min(...phys.map((r) => r.pendulum.motion)).toFixed(3)}`);
  }
  console.log(`${dataset}: rotation q ≥ 0.99 and angle within 2%: ${pass}/${phys.length} seeds${dataset === 'spinning' ? ' (target ≥ 4/5)' : ' (no single angle: reported only)'}; ` +
    `recon ≤ 1.5× baseline: ${reconOk}/${phys.length}; rollout below baseline: ${rollOk}/${phys.length}; ` +
    `${spe.toFixed(2)} s/epoch; bridge+search ${share.toFixed(1)}% of the step time (target ≤ 25%)`);
}
