import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createStateRequester, type Timers } from '../../webview/app/state-request';

/** A clock the test advances by hand. */
function manualClock(): Timers & { advance(milliseconds: number): void } {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; handler: () => void }>();
  return {
    setTimeout(handler, milliseconds) {
      const id = nextId++;
      pending.set(id, { at: now + milliseconds, handler });
      return id;
    },
    clearTimeout(id) {
      pending.delete(id as number);
    },
    advance(milliseconds) {
      const end = now + milliseconds;
      for (;;) {
        const due = [...pending.entries()].filter(([, entry]) => entry.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].handler();
      }
      now = end;
    },
  };
}

test('a state request repeats, backing off, until it is answered', () => {
  const clock = manualClock();
  const sent: number[] = [];
  const requester = createStateRequester((id) => sent.push(id), clock);
  requester.request();
  assert.deepEqual(sent, [1], 'asks at once');
  // Every answer VS Code dropped before the page listened: the page keeps asking.
  clock.advance(500);
  clock.advance(1000);
  clock.advance(2000);
  assert.deepEqual(sent, [1, 1, 1, 1], 'asks again after 0.5, 1 and 2 s');
  clock.advance(4000 * 3);
  assert.equal(sent.length, 7, 'then every 4 s');
  assert.equal(requester.answered(1), true);
  clock.advance(60_000);
  assert.equal(sent.length, 7, 'no request after the answer');
});

test('a newer request supersedes an unanswered one; an old answer does not stop it', () => {
  const clock = manualClock();
  const sent: number[] = [];
  const requester = createStateRequester((id) => sent.push(id), clock);
  requester.request();
  requester.request();
  assert.deepEqual(sent, [1, 2]);
  assert.equal(requester.answered(1), false, 'the answer to the first request is not the latest');
  clock.advance(500);
  assert.deepEqual(sent, [1, 2, 2], 'keeps asking with the latest id');
  assert.equal(requester.answered(2), true);
  clock.advance(10_000);
  assert.deepEqual(sent, [1, 2, 2]);
});
