/**
 * Choosing the TensorFlow.js backend the encoder trains on.
 *
 * Order of preference: `tensorflow` (from the optional `@tensorflow/tfjs-node`, native and fastest; it is
 * absent when `npm install` ran offline), then `wasm` (float32, SIMD; some gradient kernels such as
 * Conv2DBackpropFilter are missing), then the pure-JS `cpu` backend, which has every kernel but is slow.
 * A backend is only accepted after one tiny training step with the ops the model uses has run on it,
 * because a missing gradient kernel only shows up when the gradient is taken.
 */
import * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../errors.js';
import { useFastWasmProducts } from './wasm-matmul.js';

/** Which kind of network the probe exercises: dense layers only, or convolutions too. */
export type ProbeKind = 'dense' | 'conv';

/** The backend that runs, and why it was chosen (for the run's first log line). */
export interface BackendChoice {
  /** tfjs backend name: `tensorflow`, `wasm` or `cpu`. */
  name: string;
  /** Human-readable reason, e.g. "wasm: tfjs-node not installed; training probe passed". */
  reason: string;
}

/** Preference names accepted by {@link selectBackend} (`node` means tfjs-node's `tensorflow`). */
export type BackendPreference = 'node' | 'wasm' | 'cpu';

let wasmImported = false;

/**
 * Run one training step of a tiny network on the active backend with the ops the real model uses
 * (matMul, bias add, elu, mean squared error, our Adam's sqrt/div; conv2d for `conv`). Returns
 * the error message when a kernel is missing, else null.
 */
export function probeTrainingStep(kind: ProbeKind = 'dense'): string | null {
  const vars: tf.Variable[] = [];
  try {
    tf.tidy(() => {
      const x = tf.randomUniform(kind === 'conv' ? [2, 8, 8, 2] : [2, 8], 0, 1, 'float32', 1);
      const w = tf.variable(tf.randomNormal([kind === 'conv' ? 32 : 8, 3], 0, 0.1, 'float32', 2));
      const b = tf.variable(tf.zeros([3]));
      const k = tf.variable(tf.randomNormal([3, 3, 2, 2], 0, 0.1, 'float32', 3));
      vars.push(w, b, k);
      const { value, grads } = tf.variableGrads(() => {
        let h: tf.Tensor = x;
        if (kind === 'conv') h = tf.relu(tf.conv2d(h as tf.Tensor4D, k as tf.Tensor as tf.Tensor4D, 2, 'same')).reshape([2, 32]);
        const z = tf.elu(tf.add(tf.matMul(h as tf.Tensor2D, w), b));
        const y = tf.elu(tf.matMul(z, tf.transpose(w)));
        const target = kind === 'conv' ? tf.zeros([2, 32]) : x;
        return tf.add(tf.mean(tf.square(tf.sub(y, target))), tf.sum(tf.mul(tf.onesLike(z), z))) as tf.Scalar;
      }, kind === 'conv' ? [w, b, k] : [w, b]);
      for (const v of vars) {
        const g = grads[v.name];
        if (g) v.assign(tf.sub(v, tf.div(g, tf.add(tf.sqrt(tf.square(g)), 1e-7))));
      }
      value.dataSync();
    });
    return null;
  } catch (err) {
    return errorMessage(err);
  } finally {
    for (const v of vars) v.dispose();
  }
}

async function tryBackend(name: string, kind: ProbeKind): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `backend '${name}' failed to initialise`;
    await tf.ready();
  } catch (err) {
    return errorMessage(err);
  }
  return probeTrainingStep(kind);
}

/**
 * Select and activate the fastest backend that can train the model.
 *
 * @param prefer  start the search at this backend (`cpu` forces the CPU backend; `wasm` skips tfjs-node).
 * @param kind    which ops the probe training step uses (`conv` also checks convolution gradients).
 * @returns the active backend name and the reason, e.g. to print at the start of a run.
 */
export async function selectBackend(prefer: BackendPreference = 'node', kind: ProbeKind = 'dense'): Promise<BackendChoice> {
  const notes: string[] = [];
  if (prefer === 'node') {
    try {
      // The specifier is a variable so TypeScript does not require the optional package to be installed.
      const spec = '@tensorflow/tfjs-node';
      await import(spec);
      const why = await tryBackend('tensorflow', kind);
      if (why === null) return { name: 'tensorflow', reason: `tensorflow: tfjs-node installed; ${kind} training probe passed` };
      notes.push(`tfjs-node: ${why}`);
    } catch {
      notes.push('tfjs-node not installed');
    }
  }
  if (prefer === 'node' || prefer === 'wasm') {
    try {
      if (!wasmImported) {
        await import('@tensorflow/tfjs-backend-wasm');
        wasmImported = true;
      }
      useFastWasmProducts();
      const why = await tryBackend('wasm', kind);
      if (why === null) return { name: 'wasm', reason: `wasm: ${[...notes, `${kind} training probe passed`].join('; ')}` };
      notes.push(`wasm: ${why}`);
    } catch (err) {
      notes.push(`wasm unavailable: ${errorMessage(err)}`);
    }
  }
  const why = await tryBackend('cpu', kind);
  if (why !== null) throw new Error(`no TensorFlow.js backend can train this model (${[...notes, `cpu: ${why}`].join('; ')})`);
  return { name: 'cpu', reason: `cpu: ${notes.length ? notes.join('; ') : 'requested'}` };
}

/**
 * Whether the active backend should train convolutions: only when its convolution-gradient probe passes
 * and it is not the pure-JS `cpu` backend (whose convolutions are much slower than a dense network on wasm).
 * Leaves the active backend unchanged.
 */
export function backendTrainsConv(): boolean {
  if (tf.getBackend() === 'cpu') return false;
  return probeTrainingStep('conv') === null;
}
