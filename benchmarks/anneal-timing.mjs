// Where an anneal's time goes on a video the size of the SINDy-autoencoder paper's pendulum: the
// built-in pendulum at 51×51 pixels, 50 sequences × 100 frames (two frames stacked per sample), the
// wasm backend, the command line's defaults otherwise (or the encoder `arch` with `latent` size). Prints
// one JSON line: wall time, and training steps, bridge and law searches in ms (from the run's log).
// Usage: node benchmarks/anneal-timing.mjs [epochs=2] [size=51] [sequences=50] [frames=100] [arch=auto] [latent=the library's default]
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anneal, trainingSearchOptions } from 'latent-laws/anneal';
import { createFitPool, defaultGrammarPath, fit, loadGrammar, tuneCompiler } from 'latent-laws';

tuneCompiler();
const [epochs, size, sequences, frames] = [2, 51, 50, 100].map((fallback, i) => Number(process.argv[2 + i] ?? fallback));
const arch = process.argv[6] ?? 'auto', latent = process.argv[7] === undefined ? undefined : Number(process.argv[7]);
const out = join(tmpdir(), `latent-laws-anneal-timing-${process.pid}`);
const grammar = loadGrammar(defaultGrammarPath());
const pool = createFitPool(1);
const t0 = Date.now();
try {
  const r = await anneal({
    out, data: { kind: 'pendulum', sequences, frames, size }, epochs, seed: 0, backend: 'wasm', arch, ...(latent === undefined ? {} : { latent }),
    search: (latents, hints) => fit(latents, { pool, seed: 0, ...(hints.final ? { grammar } : trainingSearchOptions(grammar, hints)) }),
  });
  const log = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const ms = log.filter((x) => x.type === 'end').pop()?.ms;
  console.log(JSON.stringify({ epochs, size, sequences, frames, arch: r.arch, latent: latent ?? 'default', backend: r.backend.name, wallS: (Date.now() - t0) / 1000, trainMs: Math.round(ms.train), bridgeMs: Math.round(ms.bridge), searchMs: Math.round(ms.search) }));
} finally {
  await pool.close();
  rmSync(out, { recursive: true, force: true });
}
