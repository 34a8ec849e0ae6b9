import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { loadDataset } from '../../src/data/load.ts';
import { assertInputError, committed, fixture, grid, tempDir } from './helpers.ts';

const dir = tempDir('csv');

describe('.csv trajectories', () => {
  it('shuffled rows are grouped by traj and sorted by t; t need not start at 0', () => {
    const text = [
      'traj,t,z0,z1',
      '1,7,70,71',
      '0,2,20,21',
      '1,5,50,51',
      '0,0,0,1',
      '1,6,60,61',
      '0,1,10,11',
    ].join('\n');
    const ds = loadDataset(fixture(dir, 'shuffled.csv', text));
    assert.equal(ds.dim, 2);
    assert.deepEqual(ds.offsets, [0, 3, 6]);
    assert.deepEqual(Array.from(ds.states), [0, 1, 10, 11, 20, 21, 50, 51, 60, 61, 70, 71]);
  });

  it('CRLF, a UTF-8 BOM, a trailing newline, spaces around cells, exponents and negatives', () => {
    const text = '\uFEFFtraj, t, z0\r\n0, 0, -1.5e-3\r\n0,1,+2\r\n0,2,.5\r\n0,3,3.\r\n';
    const ds = loadDataset(fixture(dir, 'crlf.csv', text));
    assert.deepEqual(Array.from(ds.states), [-1.5e-3, 2, 0.5, 3]);
  });

  it('numeric traj labels are ordered numerically, and "1" and "1.0" are the same trajectory', () => {
    const text = 'traj,t,z0\n10,0,100\n10,1,101\n2,0,20\n2,1,21\n1,0,10\n1.0,1,11\n';
    const ds = loadDataset(fixture(dir, 'labels.csv', text));
    assert.deepEqual(Array.from(ds.states), [10, 11, 20, 21, 100, 101]);
  });

  it('quoted cells are read as their contents, quoted commas included', () => {
    const text = '"traj","t","z0"\n"a,b",0,"1.5"\n"a,b",1,"-2"\n"a,b",2," 3 "\n"a,b",3,4\n';
    const ds = loadDataset(fixture(dir, 'quoted.csv', text));
    assert.deepEqual(Array.from(ds.states), [1.5, -2, 3, 4]);
  });

  it("a leading unnamed index column (pandas' to_csv, R's write.csv row names) is dropped", () => {
    const pandas = ',traj,t,z0\n5,1,1,11\n3,0,0,0\n9,1,0,10\n7,0,1,1\n8,0,2,2\n';
    const r = '"","traj","t","z0"\n"1",0,0,0\n"2",0,1,1\n"3",0,2,2\n"4",1,0,10\n"5",1,1,11\n';
    for (const [name, text] of [['pandas-index.csv', pandas], ['r-rownames.csv', r]]) {
      const ds = loadDataset(fixture(dir, name, text));
      assert.equal(ds.dim, 1, name);
      assert.deepEqual(ds.offsets, [0, 3, 5], name);
      assert.deepEqual(Array.from(ds.states), [0, 1, 2, 10, 11], name);
    }
  });

  it('a line of blanks is skipped like an empty line', () => {
    const ds = loadDataset(fixture(dir, 'blanks.csv', 'traj,t,z0\n0,0,1\n   \n0,1,2\n0,2,3\n\n0,3,4\n'));
    assert.deepEqual(Array.from(ds.states), [1, 2, 3, 4]);
  });

  it('files written by pandas (index column; quoted, BOM and CRLF) and in the layout of R\'s write.csv', () => {
    for (const name of ['pandas-index.csv', 'pandas-bom-crlf.csv', 'r-write-csv.csv']) {
      const ds = loadDataset(committed(name));
      assert.equal(ds.dim, 2, name);
      assert.deepEqual(ds.offsets, [0, 4, 8], name);
      assert.deepEqual(Array.from(ds.states), grid(2, 4, 2), name);
    }
  });

  it('negative t is fine', () => {
    const ds = loadDataset(fixture(dir, 'negt.csv', 'traj,t,z0\n0,-2,1\n0,-1,2\n0,0,3\n0,1,4\n'));
    assert.deepEqual(Array.from(ds.states), [1, 2, 3, 4]);
  });
});

describe('bad .csv files give specific errors', () => {
  const body = (n: number, d: number): string[] =>
    Array.from({ length: n }, (_, t) => [0, t, ...Array.from({ length: d }, (_, j) => t + j / 10)].join(','));
  const header = (d: number): string => ['traj', 't', ...Array.from({ length: d }, (_, j) => `z${j}`)].join(',');

  it('text in a number cell names line and column', () => {
    const lines = [header(4), ...body(20, 4)];
    const cells = lines[16].split(',');
    cells[5] = 'abc';
    lines[16] = cells.join(','); // file line 17, column z3
    const p = fixture(dir, 'abc.csv', lines.join('\n'));
    assertInputError(() => loadDataset(p), p, 'line 17, column z3: "abc" is not a number');
  });

  it('a missing cell names line and column', () => {
    const lines = [header(3), ...body(5, 3)];
    lines[4] = '0,3,1,,2';
    const p = fixture(dir, 'missing.csv', lines.join('\n'));
    assertInputError(() => loadDataset(p), p, 'line 5, column z1: missing value');
  });

  it('a ragged row names its line', () => {
    const lines = [header(2), ...body(5, 2)];
    lines[3] = '0,2,1';
    const p = fixture(dir, 'ragged.csv', lines.join('\n'));
    assertInputError(() => loadDataset(p), p, 'line 4: row has 3 cells, expected 4');
  });

  it('a wrong header column is named', () => {
    const p = fixture(dir, 'header.csv', ['traj,t,z0,x1', ...body(4, 2)].join('\n'));
    assertInputError(() => loadDataset(p), p, 'header column 4 is "x1", expected "z1"');
    const q = fixture(dir, 'header2.csv', ['trajectory,t,z0', ...body(4, 1)].join('\n'));
    assertInputError(() => loadDataset(q), q, 'header column 1 is "trajectory", expected "traj"');
    const r = fixture(dir, 'indexed.csv', [',traj,t,z0,x1', ...body(4, 2).map((l, i) => `${i},${l}`)].join('\n'));
    assertInputError(() => loadDataset(r), r, 'header column 5 is "x1", expected "z1"'); // columns counted as in the file
    const s = fixture(dir, 'semicolon.csv', 'traj;t;z0\n0;0;1\n');
    assertInputError(() => loadDataset(s), s, 'header has 1 column', '";" as separator');
    const t = fixture(dir, 'nodims.csv', 'traj,t\n0,0\n');
    assertInputError(() => loadDataset(t), t, 'header has 2 columns, expected traj,t,z0');
  });

  it('a duplicate (traj, t) names both lines', () => {
    const p = fixture(dir, 'dup.csv', 'traj,t,z0\n3,0,1\n3,1,2\n3,2,3\n3,1,9\n');
    assertInputError(() => loadDataset(p), p, 'line 5: duplicate row for traj=3, t=1 (also on line 3)');
  });

  it('a gap in t names the trajectory and the lines', () => {
    const p = fixture(dir, 'gap.csv', 'traj,t,z0\n0,0,1\n0,1,2\n0,2,3\n1,0,1\n1,1,2\n1,3,4\n');
    assertInputError(() => loadDataset(p), p, 'trajectory traj=1: t jumps from 1 (line 6) to 3 (line 7)', 'gap');
  });

  it('a non-integer t names line and column', () => {
    const p = fixture(dir, 'tfrac.csv', 'traj,t,z0\n0,0,1\n0,1.5,2\n');
    assertInputError(() => loadDataset(p), p, 'line 3, column t: "1.5" is not an integer time step');
  });

  it('an unclosed quote, or text after a closing quote, names the line', () => {
    const p = fixture(dir, 'unclosed.csv', 'traj,t,z0\n0,0,1\n0,1,"2\n0,2,3\n');
    assertInputError(() => loadDataset(p), p, 'line 4: the file ends inside a quoted cell');
    const q = fixture(dir, 'afterquote.csv', 'traj,t,z0\n0,0,1\n0,1,"2"x\n0,2,3\n');
    assertInputError(() => loadDataset(q), q, 'line 3: text follows a closing quote inside a cell');
  });

  it('a ragged row of a file with an index column counts the index cell', () => {
    const p = fixture(dir, 'ragged-indexed.csv', ',traj,t,z0\n0,0,0,1\n1,0,1\n2,0,2,3\n');
    assertInputError(() => loadDataset(p), p, 'line 3: row has 3 cells, expected 4 (,traj,t,z0)');
  });

  it('NaN and inf cells name trajectory, step, coordinate and line', () => {
    const p = fixture(dir, 'nan.csv', 'traj,t,z0,z1\n5,2,0,0\n5,3,1,nan\n5,4,2,2\n5,5,3,3\n');
    assertInputError(() => loadDataset(p), p, 'trajectory 0 (traj=5), step 1 (t=3, line 3), coordinate 1 is NaN');
    const q = fixture(dir, 'inf.csv', 'traj,t,z0\n1,0,0\n1,1,1\n1,2,2\n2,0,0\n2,1,-inf\n');
    assertInputError(() => loadDataset(q), q, 'trajectory 1 (traj=2), step 1 (t=1, line 6), coordinate 0 is -Infinity');
  });

  it('a header without rows', () => {
    const p = fixture(dir, 'headeronly.csv', 'traj,t,z0\n\n');
    assertInputError(() => loadDataset(p), p, 'has a header but no data rows');
  });

  it('a .csv with binary or JSON content says what it looks like', () => {
    const p = fixture(dir, 'zip.csv', zipSync({ 'a.txt': new Uint8Array([1, 2, 3]) }));
    assertInputError(() => loadDataset(p), p, 'not a CSV file (content looks like a zip archive');
    const q = fixture(dir, 'json.csv', '{"trajectories": []}');
    assertInputError(() => loadDataset(q), q, 'not a CSV file (content looks like JSON)');
  });
});
