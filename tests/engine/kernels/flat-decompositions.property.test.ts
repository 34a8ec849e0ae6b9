/**
 * The flat-array eigen-solvers and SVD run ml-matrix's algorithms with the same arithmetic in the same order,
 * so on any matrix they must return ml-matrix's results bit for bit (which is what lets them replace it
 * without changing a single law), and those results must be eigenpairs. The eigenvalues-only symmetric
 * path must give the same eigenvalues.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { flatGeneralEigen } from '../../../src/engine/kernels/general-eigen.ts';
import { flatSymmetricEigen, flatSymmetricEigenvalues } from '../../../src/engine/kernels/symmetric-eigen.ts';
import { flatSvd } from '../../../src/engine/kernels/svd.ts';
import { generalEigen } from '../../../src/engine/kernels/linalg.ts';

const flat = (a: number[][]) => Float64Array.from(a.flat());

/** Square matrices of 1–24 rows: dense, with repeated values, rotation blocks, or mostly zeros. */
const squareMatrix = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.oneof(
    fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
    fc.array(fc.array(fc.constantFrom(0, 0, 0, 1, -1, 0.5), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
    fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }).map((theta) => blockRotation(n, theta)),
  ),
);

/** Rotation by θ on coordinate pairs (0,1), (2,3), …; a last odd coordinate scaled by 0.5. */
function blockRotation(n: number, theta: number): number[][] {
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i + 1 < n; i += 2) {
    a[i][i] = a[i + 1][i + 1] = Math.cos(theta * (1 + i));
    a[i][i + 1] = -Math.sin(theta * (1 + i));
    a[i + 1][i] = Math.sin(theta * (1 + i));
  }
  if (n % 2 === 1) a[n - 1][n - 1] = 0.5;
  return a;
}

describe('flat decompositions', () => {
  it('general: bit for bit ml-matrix on non-symmetric matrices (real and complex eigenvalues)', () => {
    fc.assert(
      fc.property(squareMatrix, (a) => {
        fc.pre(a.some((row, i) => row.some((v, j) => v !== a[j][i])));
        const n = a.length;
        const ours = flatGeneralEigen(flat(a), n);
        const ml = new EigenvalueDecomposition(new Matrix(a));
        assert.deepEqual(Array.from(ours.re), ml.realEigenvalues);
        assert.deepEqual(Array.from(ours.im), ml.imaginaryEigenvalues);
        assert.deepEqual(Array.from(ours.vectors), ml.eigenvectorMatrix.to1DArray());
      }),
      { numRuns: 150, seed: 4101 },
    );
  });

  it('symmetric: bit for bit ml-matrix, eigenvalues ascending, A v = λ v', () => {
    fc.assert(
      fc.property(squareMatrix, (m) => {
        const n = m.length;
        const a = m.map((row, i) => row.map((v, j) => v + m[j][i]));
        const ours = flatSymmetricEigen(flat(a), n);
        const ml = new EigenvalueDecomposition(new Matrix(a), { assumeSymmetric: true });
        assert.deepEqual(Array.from(ours.values), ml.realEigenvalues);
        const v = ml.eigenvectorMatrix.to2DArray();
        // Our rows are ml-matrix's columns.
        assert.deepEqual(Array.from(ours.vectors), v[0].flatMap((_, j) => v.map((row) => row[j])));
        const scale = Math.max(1, ...a.flat().map(Math.abs));
        for (let k = 0; k < n; k++) {
          const x = ours.vectors.subarray(k * n, k * n + n);
          for (let i = 0; i < n; i++) {
            const ax = a[i].reduce((s, aij, j) => s + aij * x[j], 0);
            assert.ok(Math.abs(ax - ours.values[k] * x[i]) <= 1e-12 * scale * n, `eigenpair ${k} off by ${ax - ours.values[k] * x[i]}`);
          }
        }
        for (let k = 1; k < n; k++) assert.ok(ours.values[k - 1] <= ours.values[k]);
        // The eigenvalues alone (no transforms accumulated) are the same numbers.
        assert.deepEqual(Array.from(flatSymmetricEigenvalues(flat(a), n)), Array.from(ours.values));
      }),
      { numRuns: 150, seed: 4102 },
    );
  });

  it('SVD: bit for bit ml-matrix (autoTranspose) on tall, wide and square matrices, and A = U S Vᵀ', () => {
    const rectangular = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })).chain(([r, c]) =>
      fc.oneof(
        fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }),
        fc.array(fc.array(fc.constantFrom(0, 0, 1, -2), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }),
      ),
    );
    fc.assert(
      fc.property(rectangular, (a) => {
        const [rows, cols] = [a.length, a[0].length];
        const ours = flatSvd(flat(a), rows, cols);
        const ml = new SingularValueDecomposition(new Matrix(a), { autoTranspose: true });
        assert.deepEqual(Array.from(ours.s), ml.diagonal);
        assert.deepEqual(Array.from(ours.u), ml.leftSingularVectors.to1DArray());
        assert.deepEqual(Array.from(ours.v), ml.rightSingularVectors.to1DArray());
        const scale = Math.max(1, ...a.flat().map(Math.abs));
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            let x = 0;
            for (let k = 0; k < ours.s.length; k++) x += ours.u[i * ours.uCols + k] * ours.s[k] * ours.v[j * ours.vCols + k];
            assert.ok(Math.abs(x - a[i][j]) <= 1e-12 * scale * (rows + cols), `A[${i}][${j}] = ${a[i][j]} rebuilt as ${x}`);
          }
        }
      }),
      { numRuns: 150, seed: 4103 },
    );
  });

  it('generalEigen settles a zero or symmetric matrix (hqr2 alone would not) and a defective one', () => {
    assert.deepEqual(generalEigen([[0, 0], [0, 0]]).re, [0, 0]);
    assert.ok(generalEigen([[2, 1], [1, 2]]).re.every((v, i) => Math.abs(v - [1, 3][i]) < 1e-14));
    const shear = generalEigen([[1, 1], [0, 1]]);
    assert.deepEqual(shear.re, [1, 1]);
    assert.deepEqual(shear.im, [0, 0]);
  });
});
