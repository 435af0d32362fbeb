import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { issueSpan, lensTargets, pointerSegments } from '../../src/host/editor/pure/config-locations';
import { validateConfigText } from '../../src/config/validate';

const text = `// a comment
{
  "name": "race",
  "surface": { "name": "saddle" },
  "optimizers": [
    { "name": "sgd", "lr": 0.1, "bogus": 2 },
    { "label": "mine", "name": "adam", "lr": -1 }
  ]
}`;

const slice = (span: { offset: number; length: number }) => text.slice(span.offset, span.offset + span.length);

test('pointerSegments decodes RFC 6901 escapes', () => {
  assert.deepEqual(pointerSegments(''), []);
  assert.deepEqual(pointerSegments('/optimizers/0/lr'), ['optimizers', '0', 'lr']);
  assert.deepEqual(pointerSegments('/a~1b/c~0d'), ['a/b', 'c~d']);
});

test('issueSpan underlines the value a pointer names', () => {
  assert.equal(slice(issueSpan(text, { path: '/optimizers/1/lr', message: 'must be > 0', severity: 'error' })), '-1');
  assert.equal(slice(issueSpan(text, { path: '/surface/name', message: 'x', severity: 'error' })), '"saddle"');
});

test('issueSpan underlines the key of an unknown field, of an object value, and the brace of a missing field', () => {
  assert.equal(slice(issueSpan(text, { path: '/optimizers/0/bogus', message: 'has an unknown field "bogus"', severity: 'error' })), '"bogus"');
  assert.equal(slice(issueSpan(text, { path: '/surface', message: 'x', severity: 'error' })), '"surface"');
  const missing = issueSpan(text, { path: '/optimizers/1/momentum', message: 'is missing', severity: 'error' });
  assert.equal(slice(missing), '{');
  assert.equal(text.indexOf('{ "label"'), missing.offset);
  assert.equal(issueSpan(text, { path: '', message: 'x', severity: 'error' }).offset, text.indexOf('{'));
});

test('issueSpan uses a syntax error\'s own offset', () => {
  assert.deepEqual(issueSpan('{ "name": }', { path: '', message: 'syntax', severity: 'error', offset: 10, length: 0 }), { offset: 10, length: 1 });
});

test('the spans of real validation issues land on their fields', () => {
  const broken = '{\n  "name": "x",\n  "surface": { "name": "saddle" },\n  "optimizers": [{ "name": "sgd", "lr": 0.1, "betas": [0.9, 0.99] }]\n}';
  const { issues } = validateConfigText(broken, '.');
  assert.ok(issues.length > 0, 'the config is broken');
  const betas = issues.find((issue) => issue.path === '/optimizers/0/betas');
  assert.ok(betas, `an issue names betas: ${JSON.stringify(issues)}`);
  const span = issueSpan(broken, betas);
  assert.equal(broken.slice(span.offset, span.offset + span.length), '"betas"');
});

test('lensTargets: Run at the top, Run only this above each optimizer entry', () => {
  const targets = lensTargets(text);
  assert.deepEqual(targets[0], { kind: 'run', offset: 0 });
  assert.deepEqual(targets.slice(1), [
    { kind: 'runOnly', offset: text.indexOf('{ "name": "sgd"'), index: 0, label: 'sgd' },
    { kind: 'runOnly', offset: text.indexOf('{ "label"'), index: 1, label: 'mine' },
  ]);
  assert.deepEqual(lensTargets('[1, 2]'), []);
  assert.deepEqual(lensTargets('{"name": "x"}'), [{ kind: 'run', offset: 0 }]);
});
