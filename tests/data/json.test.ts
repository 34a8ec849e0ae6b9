import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { assertInputError, fixture, tempDir } from './helpers.ts';

const dir = tempDir('json');

describe('.json trajectories', () => {
  it('object form {"trajectories": [...]} with extra keys ignored', () => {
    const p = fixture(dir, 'obj.json', JSON.stringify({ meta: { by: 'test' }, trajectories: [[[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]] }));
    const ds = loadDataset(p);
    assert.equal(ds.dim, 2);
    assert.deepEqual(ds.offsets, [0, 2, 5]);
    assert.deepEqual(Array.from(ds.states), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('bare 3-D array is a list of trajectories', () => {
    const p = fixture(dir, 'bare3.json', '[[[0.5],[1.5]],[[2.5],[3.5],[4.5]]]');
    const ds = loadDataset(p);
    assert.equal(ds.dim, 1);
    assert.deepEqual(ds.offsets, [0, 2, 5]);
  });

  it('bare 2-D array is one trajectory', () => {
    const p = fixture(dir, 'bare2.json', '[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12e-1]]');
    const ds = loadDataset(p);
    assert.equal(ds.dim, 3);
    assert.deepEqual(ds.offsets, [0, 4]);
    assert.equal(ds.states[11], 1.2);
  });

  it('ragged lengths are fine; a BOM and surrounding whitespace are fine', () => {
    const p = fixture(dir, 'ragged.json', '\uFEFF  {"trajectories": [[[1],[2],[3],[4]], [[5],[6]], [[7],[8],[9]]]}\n');
    assert.deepEqual(loadDataset(p).offsets, [0, 4, 6, 9]);
  });
});

describe('bad .json files give specific errors', () => {
  const rows = (n: number, d: number, base = 0): number[][] =>
    Array.from({ length: n }, (_, t) => Array.from({ length: d }, (_, j) => base + t * d + j));

  it('a non-number names its JSON path', () => {
    const trajs: unknown[][][] = [rows(3, 4), rows(3, 4), rows(20, 4)];
    trajs[2][15][3] = 'abc';
    const p = fixture(dir, 'abc.json', JSON.stringify({ trajectories: trajs }));
    assertInputError(() => loadDataset(p), p, 'trajectories[2][15][3]: expected a finite number, got "abc"');
  });

  it('a short row names its JSON path and both lengths', () => {
    const trajs = [rows(3, 4), rows(6, 4)];
    trajs[1][4] = [1, 2, 3];
    const p = fixture(dir, 'short.json', JSON.stringify({ trajectories: trajs }));
    assertInputError(() => loadDataset(p), p, 'trajectories[1][4]: row has 3 values, expected 4');
  });

  it('trajectories of different dimension are reported at the first differing row', () => {
    const p = fixture(dir, 'dims.json', JSON.stringify([rows(3, 2), rows(3, 3)]));
    assertInputError(() => loadDataset(p), p, '[1][0]: row has 3 values, expected 2');
  });

  it('null (what JSON.stringify writes for NaN) names its path', () => {
    const p = fixture(dir, 'null.json', '[[1, 2], [3, null], [5, 6], [7, 8]]');
    assertInputError(() => loadDataset(p), p, '[1][1]: expected a finite number, got null');
  });

  it('a number that overflows to Infinity names its path', () => {
    const p = fixture(dir, 'huge.json', '{"trajectories": [[[1], [2]], [[3], [1e999], [5]]]}');
    assertInputError(() => loadDataset(p), p, 'trajectories[1][1][0]: number is too large');
  });

  it('too-deep nesting names the path of the first misplaced array', () => {
    const p = fixture(dir, 'deep.json', '[[[[1]]]]');
    assertInputError(() => loadDataset(p), p, '[0][0][0]: expected a finite number, got an array');
  });

  it('a 1-D bare array, a scalar, an object without trajectories', () => {
    const p = fixture(dir, 'flat.json', '[1, 2, 3]');
    assertInputError(() => loadDataset(p), p, 'top-level array is 1-D ([0] is the number 1)');
    const q = fixture(dir, 'scalar.json', '42');
    assertInputError(() => loadDataset(q), q, 'top-level value is the number 42');
    const r = fixture(dir, 'nokey.json', '{"traj": [], "meta": 1}');
    assertInputError(() => loadDataset(r), r, 'no "trajectories" key (keys: "traj", "meta")');
    const s = fixture(dir, 'notarray.json', '{"trajectories": {"a": 1}}');
    assertInputError(() => loadDataset(s), s, 'trajectories: expected an array of trajectories, got an object');
    const t = fixture(dir, 'rownum.json', '{"trajectories": [[[1], [2]], [3, 4]]}');
    assertInputError(() => loadDataset(t), t, 'trajectories[1][0]: expected a state (array of numbers), got the number 3');
  });

  it('syntax error V8 reports without a position: line and column are computed', () => {
    const text = '{\n  "trajectories": [\n    [[1, 2], [3, 4],]\n  ]\n}\n';
    const p = fixture(dir, 'trailing-comma.json', text);
    assertInputError(() => loadDataset(p), p, "invalid JSON at line 3, column 21: Unexpected token ']'");
    const long = `[${'[1, 2],\n'.repeat(30)}[3, 4], x, ${'[5, 6],\n'.repeat(30)}[7, 8]]`;
    const l = fixture(dir, 'long.json', long);
    const msg = assertInputError(() => loadDataset(l), l, "invalid JSON at line 31, column 9: Unexpected token 'x'");
    assert.ok(!msg.includes('...'), `V8's echo of the input should be dropped: ${msg}`);
    const q = fixture(dir, 'word.json', '[[1, 2],\n [3, abc]]');
    assertInputError(() => loadDataset(q), q, "invalid JSON at line 2, column 6: Unexpected token 'a'");
  });

  it('syntax error V8 reports with a position: converted to line and column', () => {
    const p = fixture(dir, 'missing-comma.json', '[[1, 2]\n [3, 4]]');
    assertInputError(() => loadDataset(p), p, "invalid JSON at line 2, column 2: Expected ',' or ']' after array element");
    const q = fixture(dir, 'unterminated.json', '[[1, 2],\n [3, 4]');
    assertInputError(() => loadDataset(q), q, "invalid JSON at line 2, column 8: Expected ',' or ']'");
    const r = fixture(dir, 'blank.json', '  \n');
    assertInputError(() => loadDataset(r), r, 'invalid JSON at line 2, column 1: Unexpected end of JSON input');
  });

  it('a .json with binary content says what it looks like', () => {
    const p = fixture(dir, 'npy.json', writeNpy(new Float64Array(8), [4, 2]));
    assertInputError(() => loadDataset(p), p, 'not a JSON file (content looks like a .npy array)');
    const q = fixture(dir, 'bin.json', new Uint8Array([0x7b, 0, 0xff, 0xfe, 1, 2, 3]));
    assertInputError(() => loadDataset(q), q, 'not a JSON file (content looks like binary data)');
  });

  it('an empty list of trajectories', () => {
    const p = fixture(dir, 'empty.json', '{"trajectories": []}');
    assertInputError(() => loadDataset(p), p, 'trajectories: the array is empty: no trajectories');
    const q = fixture(dir, 'empty-bare.json', '[]');
    assertInputError(() => loadDataset(q), q, 'top-level array is empty');
  });
});
