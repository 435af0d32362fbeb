import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isRunId, isSaveFileName, parseWebviewMessage } from '../../src/host/messages-logic';

test('well-formed messages pass with only their known fields', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'requestState', requestId: 3, extra: 1 }), { ok: true, message: { type: 'requestState', requestId: 3 } });
  assert.deepEqual(parseWebviewMessage({ type: 'runRace', surface: 'saddle', optimizers: ['sgd', 'adam', 'sgd'], start: [1, 0.001] }), {
    ok: true,
    message: { type: 'runRace', surface: 'saddle', optimizers: ['sgd', 'adam'], start: [1, 0.001] },
  });
  assert.deepEqual(parseWebviewMessage({ type: 'setStart', start: [-0.5, 2] }), { ok: true, message: { type: 'setStart', start: [-0.5, 2] } });
  assert.deepEqual(parseWebviewMessage({ type: 'openRun', id: '20261128-045012-race' }), { ok: true, message: { type: 'openRun', id: '20261128-045012-race' } });
  assert.equal(parseWebviewMessage({ type: 'saveFile', fileName: 'contour.png', data: 'iVBORw0KGgo=', encoding: 'base64' }).ok, true);
});

test('malicious or malformed messages are refused with a reason', () => {
  const refused = [
    null,
    'requestState',
    [{ type: 'requestState', requestId: 1 }],
    { type: 'requestState' },
    { type: 'requestState', requestId: -1 },
    { type: 'requestState', requestId: 1.5 },
    { type: 'requestState', requestId: '1' },
    { type: 'eval', code: 'process.exit()' },
    { type: 'runRace', surface: 'constructor', optimizers: ['sgd'], start: [0, 0] },
    { type: 'runRace', surface: 'saddle', optimizers: ['__proto__'], start: [0, 0] },
    { type: 'runRace', surface: 'saddle', optimizers: [], start: [0, 0] },
    { type: 'runRace', surface: 'saddle', optimizers: ['sgd'], start: [0, Number.NaN] },
    { type: 'setStart', start: [1, 2, 3] },
    { type: 'setStart', start: [1e300, 0] },
    { type: 'openRun', id: '../../etc' },
    { type: 'openRun', id: '/etc/passwd' },
    { type: 'saveFile', fileName: '../settings.json', data: '{}', encoding: 'utf8' },
    { type: 'saveFile', fileName: 'run.exe', data: '', encoding: 'utf8' },
    { type: 'saveFile', fileName: 'a.png', data: 'not base64!', encoding: 'base64' },
    { type: 'saveFile', fileName: 'a.csv', data: 'x', encoding: 'latin1' },
  ];
  for (const message of refused) {
    const parsed = parseWebviewMessage(message);
    assert.equal(parsed.ok, false, JSON.stringify(message));
    if (!parsed.ok) assert.ok(parsed.reason.length > 0);
  }
});

test('run ids and file names are bare names', () => {
  assert.equal(isRunId('20261128-045012-race-2'), true);
  assert.equal(isRunId('a/b'), false);
  assert.equal(isRunId('..'), false);
  assert.equal(isRunId('.hidden'), false);
  assert.equal(isSaveFileName('trajectories.CSV'), true);
  assert.equal(isSaveFileName('C:\\x.png'), false);
  assert.equal(isSaveFileName('.png'), false);
});
