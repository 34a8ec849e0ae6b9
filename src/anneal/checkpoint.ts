/**
 * Saving and restoring models and training checkpoints. Every file is written with writeFileAtomic, and a
 * checkpoint is a folder that only becomes visible by one rename: it is assembled under a temporary name
 * next to the old one, the old one is moved aside, the new one renamed into place, the old one removed.
 * A crash at any moment leaves either the old or the new checkpoint (the loader also looks for the
 * moved-aside copy), so an interrupted run loses at most the steps since the last checkpoint.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../io.js';
import type { AdamState } from './model.js';

/** Save a tfjs LayersModel as `model.json` + `weights.bin` (the tfjs "files" layout) into `dir`. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weightData));
      writeFileAtomic(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/** Load a model written by {@link saveModel} (or by tfjs's own file saver with one weights file). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const bytes = Buffer.concat(buffers);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}

/** Pack an Adam state into one little-endian float32 blob (moments in variable order, m then v). */
function packAdam(state: AdamState): { meta: { t: number; sizes: number[] }; bytes: Uint8Array } {
  const parts = [...state.m, ...state.v];
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { meta: { t: state.t, sizes: state.m.map((p) => p.length) }, bytes: new Uint8Array(out.buffer) };
}

function unpackAdam(meta: { t: number; sizes: number[] }, bytes: Uint8Array): AdamState {
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const m: Float32Array[] = [], v: Float32Array[] = [];
  let at = 0;
  for (const n of meta.sizes) (m.push(all.slice(at, at + n)), (at += n));
  for (const n of meta.sizes) (v.push(all.slice(at, at + n)), (at += n));
  if (at !== all.length) throw new Error(`optimizer.bin holds ${all.length} values, expected ${at}`);
  return { t: meta.t, m, v };
}

/** What a checkpoint holds besides the two models. */
export interface CheckpointData<S> {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
  adam: AdamState;
  /** Trainer state (step, RNG, frozen laws, epoch accumulators …), JSON-serialisable. */
  state: S;
}

const CHECKPOINT = 'checkpoint';
const OLD = '.checkpoint-old';

/** Write a checkpoint into `runDir/checkpoint` atomically (see the module comment). */
export async function writeCheckpoint<S>(runDir: string, data: CheckpointData<S>): Promise<void> {
  const tmp = join(runDir, `.checkpoint-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await saveModel(data.encoder, join(tmp, 'encoder'));
  await saveModel(data.decoder, join(tmp, 'decoder'));
  const { meta, bytes } = packAdam(data.adam);
  writeFileAtomic(join(tmp, 'optimizer.bin'), bytes);
  writeFileAtomic(join(tmp, 'state.json'), JSON.stringify({ optimizer: meta, trainer: data.state }));
  const final = join(runDir, CHECKPOINT), old = join(runDir, OLD);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
}

/** Whether `runDir` holds a checkpoint (or the moved-aside copy a crash mid-rename leaves). */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(join(runDir, CHECKPOINT, 'state.json')) || existsSync(join(runDir, OLD, 'state.json'));
}

/** Read the checkpoint of `runDir` (see {@link writeCheckpoint}). */
export async function readCheckpoint<S>(runDir: string): Promise<CheckpointData<S>> {
  const dir = existsSync(join(runDir, CHECKPOINT, 'state.json')) ? join(runDir, CHECKPOINT) : join(runDir, OLD);
  const { optimizer, trainer } = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
    optimizer: { t: number; sizes: number[] };
    trainer: S;
  };
  const adam = unpackAdam(optimizer, readFileSync(join(dir, 'optimizer.bin')));
  const encoder = await loadModel(join(dir, 'encoder'));
  const decoder = await loadModel(join(dir, 'decoder'));
  return { encoder, decoder, adam, state: trainer };
}
