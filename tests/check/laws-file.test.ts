/**
 * Laws files as users keep them: a real fit's JSON loads; every way of corrupting one gets a one-line
 * InputError naming the file and the line/column (bad JSON) or the JSON path of the bad field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLaws, readLawsFile } from '../../src/check/laws-file.ts';
import { InputError } from '../../src/errors.ts';
import { fittedLaws } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'latent-laws-lawsfile-'));

/** The fitted rotation laws as JSON text, with `edit` applied to the parsed document first. */
async function lawsText(edit: (doc: any) => void = () => {}): Promise<string> {
  const doc = JSON.parse(JSON.stringify(await fittedLaws('rotation')));
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

function assertInputError(fn: () => unknown, ...fragments: string[]) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `not an InputError: ${err}`);
    assert.ok(!err.message.includes('\n'), `more than one line: ${err.message}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" does not mention "${f}"`);
    return true;
  });
}

test('the JSON written by fit loads, with its dimension and provenance', async () => {
  const file = join(dir, 'laws.json');
  writeFileSync(file, await lawsText());
  const doc = readLawsFile(file);
  assert.equal(doc.dim, 4);
  assert.equal(doc.laws[0].family, 'rotation');
  assert.equal(doc.provenance?.seed, 1);
  // A bare array of laws is accepted too.
  assert.equal(parseLaws(JSON.stringify(doc.laws), 'bare.json').laws.length, doc.laws.length);
});

test('bad JSON: the line and column of the syntax error', async () => {
  const text = (await lawsText()).split('\n');
  text[5] = `${text[5]} oops`;
  assertInputError(() => parseLaws(text.join('\n'), 'laws.json'), 'laws.json: invalid JSON at line 6, column');
  const truncated = (await lawsText()).slice(0, 300);
  assertInputError(() => parseLaws(truncated, 'cut.json'), 'cut.json: invalid JSON at line');
});

test('missing fields are named with their JSON path', async () => {
  assertInputError(() => parseLaws('{"pareto": []}', 'x.json'), 'x.json: top level: missing field "laws"');
  const noTol = await lawsText((d) => delete d.laws[0].metrics.tolerance);
  assertInputError(() => parseLaws(noTol, 'laws.json'), 'laws.json: laws[0].metrics: missing field "tolerance"');
  const noBasis = await lawsText((d) => delete d.laws[0].subspace.basis);
  assertInputError(() => parseLaws(noBasis, 'laws.json'), 'laws[0].subspace: missing field "basis"');
  const noModel = await lawsText((d) => delete d.laws[0].model);
  assertInputError(() => parseLaws(noModel, 'laws.json'), 'laws[0]: missing field "model"');
});

test('wrong types are named with their JSON path and what was found', async () => {
  const cases: [(d: any) => void, string][] = [
    [(d) => (d.laws[0].metrics.tolerance = '0.1'), 'laws[0].metrics.tolerance: expected a non-negative number, got the string "0.1"'],
    [(d) => (d.laws[0].model.coefficients[1][0] = null), 'laws[0].model.coefficients[1][0]: expected a finite number, got null'],
    [(d) => (d.laws[0].role = 'rule'), 'laws[0].role: expected "map" or "invariant", got the string "rule"'],
    [(d) => (d.laws[0].model.role = 'invariant'), 'laws[0].model.role: expected "map"'],
    [(d) => (d.laws[0].subspace.basis[1] = [0, 1]), 'laws[0].subspace.basis[1]: expected an array of numbers of length 4, got length 2'],
    [(d) => (d.laws[0].model.coefficients = [[1, 0]]), 'laws[0].model.coefficients: expected an array of rows (one per basis row) of length 2, got length 1'],
    [(d) => (d.laws[0].metrics.tolerance = -1), 'laws[0].metrics.tolerance: expected a non-negative number, got -1'],
    [(d) => (d.laws = {}), 'laws: expected an array, got an object'],
    [(d) => (d.laws[0].family = 'magic'), 'laws[0].family: expected one of'],
    [(d) => (d.provenance.dim = 5), 'laws[0].subspace.basis[0]: expected an array of numbers of length 5'],
  ];
  for (const [edit, message] of cases) {
    const text = await lawsText(edit);
    assertInputError(() => parseLaws(text, 'laws.json'), `laws.json: ${message}`);
  }
});

test('features must be in the restricted expression language; bases orthonormal', async () => {
  const evil = await lawsText((d) => (d.laws[0].model.features[0] = 'import("fs")'));
  assertInputError(() => parseLaws(evil, 'laws.json'), 'laws.json: laws[0].model.features[0]:');
  const unknown = await lawsText((d) => (d.laws[0].model.features[1] = 'x1'));
  assertInputError(() => parseLaws(unknown, 'laws.json'), "laws[0].model.features[1]: unknown symbol 'x1'");
  const skew = await lawsText((d) => (d.laws[0].subspace.basis[1] = d.laws[0].subspace.basis[0]));
  assertInputError(() => parseLaws(skew, 'laws.json'), 'laws[0].subspace.basis: rows are not orthonormal');
});

test('files that are not laws JSON at all', () => {
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '');
  assertInputError(() => readLawsFile(empty), 'empty.json: is empty');
  const binary = join(dir, 'bin.json');
  writeFileSync(binary, Buffer.from([0x93, 0xff, 0xfe, 0x00]));
  assertInputError(() => readLawsFile(binary), 'bin.json: not a laws JSON file');
  assertInputError(() => readLawsFile(join(dir, 'missing.json')), 'missing.json: no such file');
  assertInputError(() => parseLaws('[1]', 'n.json'), 'n.json: [0]: expected an object, got the number 1');
});
