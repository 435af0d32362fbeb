import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';

test('the same seed gives the same stream; different seeds differ', () => {
  const a = new Random(123);
  const b = new Random(123);
  const c = new Random(124);
  const streamA = Array.from({ length: 100 }, () => a.uniform());
  assert.deepEqual(streamA, Array.from({ length: 100 }, () => b.uniform()));
  assert.notDeepEqual(streamA, Array.from({ length: 100 }, () => c.uniform()));
});

test('xoshiro128** reference output for a known state', () => {
  // Reference: the C implementation with s = {1, 2, 3, 4} gives 11520, 0, 5927040, 70819200.
  const random = new Random(0) as unknown as { s0: number; s1: number; s2: number; s3: number; nextUint32(): number };
  random.s0 = 1;
  random.s1 = 2;
  random.s2 = 3;
  random.s3 = 4;
  assert.deepEqual([random.nextUint32(), random.nextUint32(), random.nextUint32(), random.nextUint32()], [11520, 0, 5927040, 70819200]);
});

test('uniform, gaussian and uniform-in-ball have the right moments', () => {
  const random = new Random(5);
  const n = 200_000;
  let sum = 0;
  let sumSquares = 0;
  let min = 1;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const u = random.uniform();
    min = Math.min(min, u);
    max = Math.max(max, u);
    sum += u;
  }
  assert.ok(min >= 0 && max < 1);
  assert.ok(Math.abs(sum / n - 0.5) < 0.005);
  sum = 0;
  for (let i = 0; i < n; i++) {
    const g = random.gaussian();
    sum += g;
    sumSquares += g * g;
  }
  assert.ok(Math.abs(sum / n) < 0.01);
  assert.ok(Math.abs(sumSquares / n - 1) < 0.01);
  // In the d-ball the radius has density ∝ r^(d−1): E[r] = d/(d+1)·R.
  const point = new Float64Array(3);
  let radiusSum = 0;
  for (let i = 0; i < 20_000; i++) {
    random.uniformInBall(point, 2);
    const r = Math.hypot(point[0], point[1], point[2]);
    assert.ok(r <= 2);
    radiusSum += r;
  }
  assert.ok(Math.abs(radiusSum / 20_000 - 1.5) < 0.02);
});

test('permutation is a permutation', () => {
  const permutation = new Random(9).permutation(1000);
  assert.deepEqual(Array.from(permutation).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual(Array.from(permutation.slice(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
