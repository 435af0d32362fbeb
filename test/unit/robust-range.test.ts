/** The "ignore outliers" y range (webview/charts/robust-range.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { robustRange } from '../../webview/charts/robust-range';

/** A noisy, slowly falling loss around 1 (deterministic). */
const loss = Array.from({ length: 40 }, (_, index) => 1.2 - index * 0.01 + 0.05 * Math.sin(index * 1.7));

describe('robust y range', () => {
  it('leaves a spike out of the range and keeps every other value inside, near the frame', () => {
    const spiked = [...loss];
    spiked[17] = 50;
    const range = robustRange(spiked);
    assert.ok(range);
    assert.equal(range.outside, 1);
    const rest = spiked.filter((_, index) => index !== 17);
    const low = Math.min(...rest);
    const high = Math.max(...rest);
    for (const value of rest) assert.ok(value >= range.min && value <= range.max, `${value} in [${range.min}, ${range.max}]`);
    // The bulk fills the range but for a thin margin (5 % of its span on each side).
    assert.ok((high - low) / (range.max - range.min) > 0.85, `bulk ${high - low} of ${range.max - range.min}`);
    assert.ok(range.max < 50);
  });

  it('catches a spike downward too, and several spikes', () => {
    const spiked = [...loss];
    spiked[3] = -40;
    spiked[30] = 80;
    spiked[31] = 95;
    const range = robustRange(spiked);
    assert.ok(range);
    assert.equal(range.outside, 3);
    assert.ok(range.min > -1 && range.max < 2, `[${range.min}, ${range.max}]`);
    // What it counts as outside is what lies beyond the range it returns (a value near a fence may sit in the margin).
    assert.equal(spiked.filter((value) => value < range.min || value > range.max).length, range.outside);
  });

  it('counts as off scale only what lies beyond the range it returns (a value just past a fence may sit in the margin)', () => {
    // The spirals run's train and test losses, one train loss spiked: its highest test loss lies
    // just past the upper fence but inside the widened range.
    const history = (JSON.parse(readFileSync('test/fixtures/results-training-spirals.json', 'utf8')) as { training: { history: { loss: number; testLoss: number }[] } }).training.history;
    const values = [...history.map((record, index) => (index === 39 ? 40 : record.loss)), ...history.map((record) => record.testLoss)];
    const range = robustRange(values);
    assert.ok(range);
    assert.deepEqual(values.filter((value) => value < range.min || value > range.max), [40]);
    assert.equal(range.outside, 1);
  });

  it('is undefined without outliers, with too few values, or without finite values', () => {
    assert.equal(robustRange(loss), undefined);
    assert.equal(robustRange([1, 2, 100]), undefined);
    assert.equal(robustRange([undefined, null, Number.NaN, Infinity, 1]), undefined);
  });

  it('on a log axis, judges in decades: a loss falling over decades has no outliers, a spike of decades is one', () => {
    const falling = Array.from({ length: 50 }, (_, index) => 10 ** (1 - index * 0.1));
    assert.equal(robustRange(falling, true), undefined);
    // Linear, the same curve's first values are far above its bulk.
    assert.ok(robustRange(falling)?.outside);
    const spiked = [...falling];
    spiked[25] = 1e9;
    const range = robustRange(spiked, true);
    assert.ok(range);
    assert.equal(range.outside, 1);
    assert.ok(range.max < 1e3 && range.min > 0 && range.min < 10 ** (1 - 49 * 0.1), `[${range.min}, ${range.max}]`);
    // Values ≤ 0 have no place on a log axis and are not counted.
    assert.equal(robustRange([...falling, 0, -1], true), undefined);
  });

  it('keeps a run that mostly sits at one value from calling every other value an outlier', () => {
    // Accuracy climbing to 1 and staying there: the quartiles coincide.
    const accuracy = [0.5, 0.62, 0.74, 0.85, 0.93, 0.97, ...Array.from({ length: 24 }, () => 1)];
    assert.equal(robustRange(accuracy), undefined);
    // One far drop from the plateau is still an outlier, and the band around the plateau is not empty.
    const flat = Array.from({ length: 30 }, () => 1);
    flat[12] = 0;
    const range = robustRange(flat);
    assert.ok(range);
    assert.equal(range.outside, 1);
    assert.ok(range.min < 1 && range.max > 1 && range.min > 0);
  });
});
