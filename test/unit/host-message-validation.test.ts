import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isRunId, isSaveFileName, parseWebviewMessage } from '../../src/host/webview/pure/message-validation';

test('well-formed messages pass with only their known fields', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'requestState', requestId: 3, extra: 1 }), { ok: true, message: { type: 'requestState', requestId: 3 } });
  assert.deepEqual(parseWebviewMessage({ type: 'requestState', requestId: 4, compare: ['20261128-045012-a', '20261128-045013-b', '20261128-045012-a'] }), {
    ok: true,
    message: { type: 'requestState', requestId: 4, compare: ['20261128-045012-a', '20261128-045013-b'] },
  });
  assert.deepEqual(parseWebviewMessage({ type: 'compareRuns', ids: ['a-1', 'b-2'] }), { ok: true, message: { type: 'compareRuns', ids: ['a-1', 'b-2'] } });
  assert.deepEqual(parseWebviewMessage({ type: 'compareRuns', ids: [] }), { ok: true, message: { type: 'compareRuns', ids: [] } });
  assert.deepEqual(parseWebviewMessage({ type: 'deleteRuns', ids: ['a-1'] }), { ok: true, message: { type: 'deleteRuns', ids: ['a-1'] } });
  for (const type of ['compareWith', 'renameRun', 'revealRun', 'openRunConfig']) {
    assert.deepEqual(parseWebviewMessage({ type, id: 'a-1', name: 'injected' }), { ok: true, message: { type, id: 'a-1' } });
  }
  assert.deepEqual(parseWebviewMessage({ type: 'setSmoothing', smoothing: 0.6 }), { ok: true, message: { type: 'setSmoothing', smoothing: 0.6 } });
  assert.deepEqual(parseWebviewMessage({ type: 'openRun', id: 'a-1', inPanel: true }), { ok: true, message: { type: 'openRun', id: 'a-1', inPanel: true } });
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
    { type: 'runRace', surface: 'saddle', optimizers: ['sgd'], start: [0, 0] },
    { type: 'requestState', requestId: 1, compare: ['../../etc'] },
    { type: 'requestState', requestId: 1, compare: 'a-1' },
    { type: 'compareRuns', ids: Array.from({ length: 13 }, (_, index) => `run-${index}`) },
    { type: 'compareRuns', ids: ['a-1', '/etc'] },
    { type: 'deleteRuns', ids: [] },
    { type: 'deleteRuns', ids: ['..'] },
    { type: 'renameRun', id: '../x' },
    { type: 'revealRun', id: 'a/b' },
    { type: 'openRunConfig' },
    { type: 'compareWith', id: 5 },
    { type: 'setSmoothing', smoothing: 1 },
    { type: 'setSmoothing', smoothing: -0.1 },
    { type: 'setSmoothing', smoothing: '0.5' },
    { type: 'openRun', id: 'a-1', inPanel: 'yes' },
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
