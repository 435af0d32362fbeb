import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYNTHETIC_NAMES, syntheticDataset } from '../../src/core/data/synthetic';
import { preprocess, splitDataset } from '../../src/core/data/dataset';
import { Random } from '../../src/core/random';

describe('synthetic data', () => {
  for (const name of SYNTHETIC_NAMES) {
    it(`${name}: seeded, right shapes, same seed same numbers`, () => {
      const a = syntheticDataset(name, { samples: 60 }, 5);
      const b = syntheticDataset(name, { samples: 60 }, 5);
      const c = syntheticDataset(name, { samples: 60 }, 6);
      assert.equal(a.rows, 60);
      assert.equal(a.inputs.length, 60 * a.features);
      assert.equal(a.targets.length, 60 * a.outputs);
      assert.deepEqual(a.inputs, b.inputs);
      assert.notDeepEqual(a.inputs, c.inputs);
      if (a.labels) {
        const counts = new Array(a.classes).fill(0);
        for (const label of a.labels) counts[label]++;
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced: ${counts}`);
      }
    });
  }

  it('sum-of-squares is y = Σx² and XOR labels are the sign of x·y', () => {
    const squares = syntheticDataset('sum-of-squares', { samples: 50, dimension: 3 }, 1);
    for (let i = 0; i < 50; i++) {
      const x = squares.inputs.subarray(3 * i, 3 * i + 3);
      assert.ok(Math.abs(squares.targets[i] - (x[0] ** 2 + x[1] ** 2 + x[2] ** 2)) < 1e-12);
    }
    const xor = syntheticDataset('xor', { samples: 100 }, 1);
    for (let i = 0; i < 100; i++) assert.equal(xor.labels![i], xor.inputs[2 * i] * xor.inputs[2 * i + 1] > 0 ? 1 : 0);
  });

  it('split is seeded and disjoint; standardize fitted on train gives mean 0, variance 1 there', () => {
    const data = syntheticDataset('blobs', { samples: 200, dimension: 4 }, 2);
    const { train, test } = splitDataset(data, 0.25, new Random(9));
    assert.equal(train.rows, 150);
    assert.equal(test!.rows, 50);
    preprocess('standardize', train, train, test!);
    for (let j = 0; j < 4; j++) {
      let mean = 0;
      let square = 0;
      for (let i = 0; i < train.rows; i++) {
        mean += train.inputs[i * 4 + j] / train.rows;
        square += train.inputs[i * 4 + j] ** 2 / train.rows;
      }
      assert.ok(Math.abs(mean) < 1e-12 && Math.abs(square - 1) < 1e-9);
    }
    assert.throws(() => splitDataset(data, 1, new Random(1)), /testFraction 1 leaves no training rows/);
  });
});
