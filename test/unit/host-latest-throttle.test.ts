import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { latestThrottle, type Clock } from '../../src/host/runs/pure/latest-throttle';

/** A clock the test moves by hand: timers fire when advance() passes their time. */
function manualClock(): Clock & { advance(milliseconds: number): void } {
  let now = 0;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout(callback, milliseconds) {
      const id = nextId++;
      timers.push({ at: now + milliseconds, callback, id });
      return id;
    },
    clearTimeout(id) {
      timers = timers.filter((timer) => timer.id !== id);
    },
    advance(milliseconds) {
      const end = now + milliseconds;
      for (;;) {
        const due = timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((timer) => timer !== due);
        now = due.at;
        due.callback();
      }
      now = end;
    },
  };
}

test('latestThrottle sends the first value at once, then at most one per interval, always the latest', () => {
  const clock = manualClock();
  const sent: { value: number; at: number }[] = [];
  const throttle = latestThrottle<number>((value) => sent.push({ value, at: clock.now() }), 250, clock);
  throttle.push(1);
  for (let value = 2; value <= 20; value++) {
    clock.advance(10);
    throttle.push(value);
  }
  clock.advance(1000);
  assert.deepEqual(sent.map((entry) => entry.value), [1, 20], 'values 2…19 were replaced by 20, sent when the interval ended');
  assert.equal(sent[1].at, 250);
  for (let index = 1; index < sent.length; index++) assert.ok(sent[index].at - sent[index - 1].at >= 250);
});

test('latestThrottle: 100 pushes over 2 s send about 4 a second and the last one', () => {
  const clock = manualClock();
  const sent: number[] = [];
  const throttle = latestThrottle<number>((value) => sent.push(value), 250, clock);
  for (let value = 1; value <= 100; value++) {
    throttle.push(value);
    clock.advance(20);
  }
  clock.advance(500);
  assert.ok(sent.length <= 9 && sent.length >= 8, `${sent.length} sends`);
  assert.equal(sent.at(-1), 100, 'the last value is always sent');
});

test('latestThrottle: flush sends the held value now; cancel drops it', () => {
  const clock = manualClock();
  const sent: string[] = [];
  const throttle = latestThrottle<string>((value) => sent.push(value), 250, clock);
  throttle.push('a');
  throttle.push('b');
  throttle.flush();
  assert.deepEqual(sent, ['a', 'b']);
  throttle.push('c');
  throttle.cancel();
  clock.advance(1000);
  assert.deepEqual(sent, ['a', 'b'], 'a cancelled value is never sent');
});
