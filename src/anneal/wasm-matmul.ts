/**
 * Matrix products with a transposed operand on the wasm backend, made as fast as plain ones.
 *
 * tfjs-backend-wasm 4.22 sends `matMul(a, b)` to XNNPACK but computes `transposeA` / `transposeB` in a
 * slow loop, 10–15 times slower on a dense layer's shapes; every dense layer's backward pass uses both
 * (∂W = xᵀ·dy, ∂x = dy·Wᵀ). Transposing the operand first with the backend's own Transpose kernel and
 * then multiplying is the same product (summed in another order, so float32 results may differ in the
 * last bits). Measurements: docs/performance.md#a-pendulum-video-the-size-of-the-sindy-autoencoder-papers.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelConfig['kernelFunc']>[0];
type BackendWithData = { disposeData(dataId: object): void };

/** Kernels whose attributes `transposeA` / `transposeB` say to use an operand transposed. */
const PRODUCT_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const patched = new Set<string>();

/** The last two axes of `x` swapped, by the backend's Transpose kernel. */
function swapLastAxes(transpose: tf.KernelConfig, x: tf.TensorInfo, args: KernelArgs): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Replace the wasm backend's matrix-product kernels by ones that transpose operands before multiplying.
 * Idempotent; does nothing where the wasm kernels are not registered.
 */
export function useFastWasmProducts(): void {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const name of PRODUCT_KERNELS) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || patched.has(name)) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args: KernelArgs) => {
        const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
        if (!transposeA && !transposeB) return original.kernelFunc(args);
        const inputs = args.inputs as Record<string, tf.TensorInfo>;
        const a = transposeA ? swapLastAxes(transpose, inputs.a, args) : inputs.a;
        const b = transposeB ? swapLastAxes(transpose, inputs.b, args) : inputs.b;
        try {
          return original.kernelFunc({ ...args, inputs: { ...inputs, a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
        } finally {
          const backend = args.backend as unknown as BackendWithData;
          if (a !== inputs.a) backend.disposeData(a.dataId);
          if (b !== inputs.b) backend.disposeData(b.dataId);
        }
      },
    });
    patched.add(name);
  }
}
