/**
 * `alternatives` in a laws file: validated like laws where they sit (rollout may switch to one), with
 * their JSON path in a one-line error; files written before the field existed still load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLaws, readLawsFile } from '../../src/check/laws-file.ts';
import { InputError } from '../../src/errors.ts';
import { fittedLaws } from './helpers.ts';

/** The fitted rotation laws as a parsed document whose first law has alternatives, with `edit` applied. */
async function lawsText(edit: (doc: any) => void = () => {}): Promise<string> {
  const doc = JSON.parse(JSON.stringify(await fittedLaws('rotation')));
  assert.ok(doc.laws[0].alternatives?.length >= 2, `fixture: ${doc.laws[0].id} has ${doc.laws[0].alternatives?.length ?? 0} alternatives`);
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

function assertInputError(fn: () => unknown, expected: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `not an InputError: ${err}`);
    assert.ok(!err.message.includes('\n'), `more than one line: ${err.message}`);
    assert.ok(err.message.includes(expected), `"${err.message}" does not mention "${expected}"`);
    return true;
  });
}

test('alternatives written by fit load; a file without them (older versions) loads too', async () => {
  const doc = parseLaws(await lawsText(), 'laws.json');
  assert.ok(doc.laws[0].alternatives!.every((a) => a.role === 'map' && a.model.coefficients.length === 2));
  const old = parseLaws(await lawsText((d) => d.laws.forEach((l: any) => delete l.alternatives)), 'old.json');
  assert.equal(old.laws[0].alternatives, undefined);
  assert.equal(old.laws.length, doc.laws.length);
  const dir = mkdtempSync(join(tmpdir(), 'latent-laws-alternatives-'));
  writeFileSync(join(dir, 'empty-alternatives.json'), await lawsText((d) => (d.laws[0].alternatives = [])));
  assert.deepEqual(readLawsFile(join(dir, 'empty-alternatives.json')).laws[0].alternatives, []);
});

test('a bad alternative is named by its JSON path, in one line', async () => {
  const cases: [(d: any) => void, string][] = [
    [(d) => (d.laws[0].alternatives = {}), 'laws.json: laws[0].alternatives: expected an array, got an object'],
    [(d) => (d.laws[0].alternatives[1] = 3), 'laws.json: laws[0].alternatives[1]: expected an object, got the number 3'],
    [(d) => (d.laws[0].alternatives[1].model.coefficients[0][1] = 'x'), 'laws.json: laws[0].alternatives[1].model.coefficients[0][1]: expected a finite number, got the string "x"'],
    [(d) => delete d.laws[0].alternatives[0].metrics.tolerance, 'laws.json: laws[0].alternatives[0].metrics: missing field "tolerance"'],
    [(d) => (d.laws[0].alternatives[0].subspace.basis[0] = [1, 0, 0]), 'laws.json: laws[0].alternatives[0].subspace.basis[0]: expected an array of numbers of length 4, got length 3'],
    [(d) => (d.laws[0].alternatives[0].model.features[0] = 'require("fs")'), 'laws.json: laws[0].alternatives[0].model.features[0]:'],
    [(d) => { const a = d.laws[0].alternatives[0]; a.role = a.model.role = 'invariant'; a.model.coefficients = [a.model.coefficients[0]]; }, 'laws.json: laws[0].alternatives[0].role: expected "map" (the role of the law it is an alternative of), got the string "invariant"'],
    [(d) => (d.laws[0].alternatives[0].alternatives = [d.laws[0].alternatives[1]]), 'laws.json: laws[0].alternatives[0].alternatives: an alternative cannot have alternatives of its own'],
    // Said of the nesting itself, not of whatever is wrong inside the nested entry.
    [(d) => (d.laws[0].alternatives[0].alternatives = [{}]), 'laws.json: laws[0].alternatives[0].alternatives: an alternative cannot have alternatives of its own'],
  ];
  for (const [edit, message] of cases) {
    const text = await lawsText(edit);
    assertInputError(() => parseLaws(text, 'laws.json'), message);
  }
});
