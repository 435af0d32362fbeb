import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRoomFor, type ExportTargetIo } from '../../src/host/runs/pure/export-target';

function io(exists: boolean, answer: boolean, trash: 'works' | 'fails') {
  const calls: string[] = [];
  const fake: ExportTargetIo = {
    exists: async () => exists,
    askReplace: async (message) => {
      calls.push(`ask: ${message}`);
      return answer;
    },
    moveToTrash: async (target) => {
      calls.push(`trash: ${target}`);
      if (trash === 'fails') throw new Error('no trash on this file system');
    },
    showError: (message) => calls.push(`error: ${message}`),
  };
  return { fake, calls };
}

test('Export Results exports at once where nothing has the name', async () => {
  const { fake, calls } = io(false, false, 'works');
  assert.equal(await makeRoomFor('/dest/run-1', 'run-1', '/dest', fake), true);
  assert.deepEqual(calls, []);
});

test('an existing folder of the same name is replaced only after the user says Replace, and goes to the trash', async () => {
  const cancelled = io(true, false, 'works');
  assert.equal(await makeRoomFor('/dest/run-1', 'run-1', '/dest', cancelled.fake), false);
  assert.deepEqual(cancelled.calls, ['ask: Landscape Lens: /dest already has "run-1". Replace it? The existing one is moved to the trash.']);
  const replaced = io(true, true, 'works');
  assert.equal(await makeRoomFor('/dest/run-1', 'run-1', '/dest', replaced.fake), true);
  assert.equal(replaced.calls[1], 'trash: /dest/run-1');
});

test('without a trash nothing is deleted and nothing exported', async () => {
  const { fake, calls } = io(true, true, 'fails');
  assert.equal(await makeRoomFor('/dest/run-1', 'run-1', '/dest', fake), false);
  assert.match(calls.at(-1) ?? '', /^error: .*could not move the existing "run-1" to the trash \(no trash on this file system\); nothing was exported/);
});
