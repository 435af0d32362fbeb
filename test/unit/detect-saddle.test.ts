import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStopping, lossRange, plateauMessage, plateaus, SaddleDetector } from '../../src/core/detect/saddle-detector';

describe('saddle monitoring (seed slides 12–13)', () => {
  it('the detector fires only once `window` consecutive norms are below the threshold', () => {
    const detector = new SaddleDetector(1e-4, 3);
    const flags = [1e-5, 1e-5, 1e-3, 1e-5, 1e-5, 1e-5, 1e-5, 2e-4].map((norm) => detector.update(norm));
    assert.deepEqual(flags, [false, false, false, false, false, true, true, false]);
  });

  it('plateaus follow numpy.gradient: central differences inside, one-sided at the ends', () => {
    // np.gradient([5, 4, 3.9995, 3.999, 3.5, 3.4999]) = [-1, -0.50025, -0.0005, -0.24975, -0.25, -0.0001]
    const ranges = plateaus([5, 4, 3.9995, 3.999, 3.5, 3.4999], 1e-3, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(ranges, [{ start: 3, end: 3 }, { start: 6, end: 6 }]);
    assert.deepEqual(plateaus([1, 1, 1, 0.5, 0.5, 0.5, 0.5], 1e-3), [{ start: 1, end: 2 }, { start: 5, end: 7 }]);
  });

  it('plateaus are measured against the loss\'s own range: a steady fall is none, a levelling-off is one, whatever the units', () => {
    // 228 epochs falling steadily from 6.3442 to 6.3264 (a tiny-init net's slow start): 0.44% of the range a epoch.
    const steady = Array.from({ length: 228 }, (_, i) => 6.3442 - (0.0178 * i) / 227);
    assert.deepEqual(plateaus(steady, 1e-3), []);
    // Falls fast for 20 epochs, then levels off: the flat part is the plateau.
    const levelling = Array.from({ length: 60 }, (_, i) => (i < 20 ? 2 - 0.09 * i : 0.2 + 1e-6 * (60 - i)));
    assert.deepEqual(plateaus(levelling, 1e-3), [{ start: 22, end: 60 }]);
    // The same curve in other units gives the same plateaus.
    assert.deepEqual(plateaus(levelling.map((value) => 1000 * value + 7), 1e-3), [{ start: 22, end: 60 }]);
    // A loss that does not move at all is one plateau; a non-finite value does not set the scale.
    assert.deepEqual(plateaus([3, 3, 3, 3], 1e-3), [{ start: 1, end: 4 }]);
    assert.equal(lossRange([1, Number.NaN, 3, Number.POSITIVE_INFINITY]), 2);
    assert.match(plateauMessage(1e-3, 0.0178, 5, 9), /^plateau: the loss changes by less than 0\.001 × its range \(0\.0178\) per epoch, \|d loss\/d epoch\| < 0\.0000178, over epochs 5–9$/);
  });

  it('early stopping waits `patience` epochs without an improvement larger than minDelta', () => {
    const stopper = new EarlyStopping(2, 0.1);
    assert.deepEqual([1, 0.95, 0.92, 0.5, 0.45, 0.44].map((loss) => stopper.update(loss)), [false, false, true, false, false, true]);
  });
});
