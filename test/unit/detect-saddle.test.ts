import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStopping, plateaus, SaddleDetector } from '../../src/core/detect/saddle-detector';

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

  it('early stopping waits `patience` epochs without an improvement larger than minDelta', () => {
    const stopper = new EarlyStopping(2, 0.1);
    assert.deepEqual([1, 0.95, 0.92, 0.5, 0.45, 0.44].map((loss) => stopper.update(loss)), [false, false, true, false, false, true]);
  });
});
