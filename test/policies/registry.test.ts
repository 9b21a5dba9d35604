import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GovernorError } from '../../sim-cluster/errors.js';
import { createPolicy, policyEntries, policyNames } from '../../policies/registry.js';

test('every registered policy has a one-line description and creates a policy of its name', () => {
  for (const e of policyEntries()) {
    assert.ok(e.description.length > 0 && !e.description.includes('\n'), e.name);
    assert.equal(createPolicy(e.name).name, e.name);
  }
});

test('an unknown policy name is an error listing the known names', () => {
  assert.throws(
    () => createPolicy('nope'),
    (e: unknown) =>
      e instanceof GovernorError &&
      e.message.includes(policyNames().join(', ')) &&
      e.message.includes("'nope'"),
  );
});

test('a config naming an unknown parameter is an error naming the field', () => {
  assert.throws(
    () => createPolicy('static', { burstSecs: 1 }, {}, 'p.yaml'),
    /p\.yaml: unknown parameter 'burstSecs'.* at static\.burstSecs/,
  );
});

test('a config giving a parameter the wrong type is an error naming the field and the value', () => {
  assert.throws(
    () => createPolicy('static', { burstSeconds: 'x' }, {}, 'p.yaml'),
    /must be a number, got "x" at static\.burstSeconds/,
  );
  assert.throws(
    () => createPolicy('static', { rates: { a: -1 } }),
    /must be a finite number >= 0, got -1 at static\.rates\.a/,
  );
});
