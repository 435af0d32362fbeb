import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNetworkObjective } from '../../src/core/nn/build';
import { resolveTrainOptions, trainNetwork } from '../../src/core/nn/train';
import type { ModelConfig, TrainingConfig } from '../../src/core/nn/config';
import type { DataConfig } from '../../src/core/data/load';
import { runExperiment } from '../../src/core/experiment';
import type { ProgressReport } from '../../src/shared/results';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function train(model: ModelConfig, data: DataConfig, training: TrainingConfig, seed = 0) {
  const problem = buildNetworkObjective({ model, data, seed }, '.');
  return trainNetwork(problem, resolveTrainOptions(training, seed));
}

describe('training targets', () => {
  it("the seed's bias-free 2-4-1 tanh net reduces its MSE on Σx² (full batch, lr 0.01)", () => {
    const run = train(
      { layers: [2, 4, 1], activation: ['tanh', 'tanh'], bias: false, init: 'seed' },
      { kind: 'synthetic', name: 'sum-of-squares', samples: 100, testFraction: 0 },
      { epochs: 1000, optimizer: { name: 'sgd', lr: 0.01 } },
    );
    const history = run.result.history;
    assert.equal(history.length, 1000);
    assert.ok(history[999].loss < history[0].loss - 0.01, `${history[0].loss} → ${history[999].loss}`);
    assert.equal(run.result.model.parameters, 12);
  });

  it('a small tanh net learns XOR to ≥ 95% test accuracy', () => {
    const run = train({ layers: [2, 8, 2], activation: 'tanh' }, { kind: 'synthetic', name: 'xor', samples: 400 }, { epochs: 200, optimizer: { name: 'adam', lr: 0.05 } });
    assert.ok(run.result.history.at(-1)!.testAccuracy! >= 0.95, JSON.stringify(run.result.history.at(-1)));
  });

  it('a small tanh net learns two spirals to ≥ 95% test accuracy (mini-batches of 32)', () => {
    const run = train({ layers: [2, 16, 16, 2], activation: 'tanh' }, { kind: 'synthetic', name: 'spirals', samples: 400 }, { epochs: 150, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } });
    const last = run.result.history.at(-1)!;
    assert.ok(last.testAccuracy! >= 0.95 && last.trainAccuracy! >= 0.95, JSON.stringify(last));
  });
});

describe('second-order optimizers', () => {
  it('saddle-free Newton trains a small net through the exact Hessian-vector products, full batch and mini-batch', () => {
    for (const batchSize of [0, 16]) {
      const run = train({ layers: [2, 4, 2] }, { kind: 'synthetic', name: 'xor', samples: 80 }, { epochs: 20, batchSize, optimizer: { name: 'saddle-free-newton', damping: 0.1 } });
      const history = run.result.history;
      assert.ok(history.at(-1)!.loss < 0.5 * history[0].loss, `batch ${batchSize}: ${history[0].loss} → ${history.at(-1)!.loss}`);
    }
  });
});

describe('saddle monitoring', () => {
  it('detects the flat start of a tiny-init net, boosts the learning rate and stops early; its steady fall is no plateau', () => {
    const run = train(
      { layers: [2, 4, 1], activation: ['tanh', 'tanh'], bias: false, init: 'seed' },
      { kind: 'synthetic', name: 'sum-of-squares', samples: 100, testFraction: 0 },
      { epochs: 3000, optimizer: { name: 'sgd', lr: 0.01 }, detector: { threshold: 0.1, window: 5, boost: 2, plateauThreshold: 1e-4 }, earlyStopping: { patience: 30, minDelta: 2e-3 } },
    );
    const kinds = new Set(run.result.events.map((event) => event.kind));
    assert.ok(kinds.has('detected') && kinds.has('boosted'), [...kinds].join());
    // The loss falls steadily (6.344 → 6.328, about 0.5% of that range an epoch): measured against
    // its own range that is no plateau, whatever the absolute slope.
    assert.ok(!kinds.has('plateau'), [...kinds].join());
    const flagged = run.result.history.filter((record) => record.saddle);
    assert.ok(flagged.length > 0);
    for (const record of flagged) assert.ok(Math.abs(record.learningRate - 0.02) < 1e-15);
    assert.equal(run.result.status, 'early-stopped');
    assert.ok(run.result.history.length < 3000);
    const detected = run.result.events.find((event) => event.kind === 'detected')!;
    const window = run.result.history.slice(detected.epoch - 5, detected.epoch);
    assert.ok(window.every((record) => record.gradientNorm < 0.1));
  });

  it('a loss that levels off is marked as a plateau over the epochs where it is flat, with the rule in its message', () => {
    const run = train(
      { layers: [2, 4, 1], activation: ['tanh', 'tanh'], bias: false, init: 'seed' },
      { kind: 'synthetic', name: 'sum-of-squares', samples: 100, testFraction: 0 },
      { epochs: 12, optimizer: { name: 'sgd', lr: 0 }, detector: { threshold: 1e-9, window: 5, boost: 2, plateauThreshold: 1e-3 } },
    );
    const plateaus = run.result.events.filter((event) => event.kind === 'plateau');
    assert.deepEqual(plateaus.map((event) => [event.epoch, event.endEpoch]), [[1, 12]]);
    assert.match(plateaus[0].message, /^plateau: the loss does not change over epochs 1–12$/);
  });

  it('reports divergence as a result, not an exception', () => {
    const run = train({ layers: [2, 16, 1], activation: 'relu' }, { kind: 'synthetic', name: 'sum-of-squares', samples: 50, testFraction: 0 }, { epochs: 200, optimizer: { name: 'sgd', lr: 50 } });
    assert.match(run.result.status, /^diverged at epoch \d+$/);
    assert.ok(run.result.events.some((event) => event.kind === 'diverged'));
  });
});

describe('network experiment', () => {
  it('streams epochs, keeps the finished ones on cancel and records parameter snapshots', async () => {
    const signal = { aborted: false };
    const reports: ProgressReport[] = [];
    const config = {
      name: 'cancel',
      model: { layers: [2, 8, 2] },
      data: { kind: 'synthetic' as const, name: 'moons' as const, samples: 200 },
      training: { epochs: 50, batchSize: 16, optimizer: { name: 'sgd' as const, lr: 0.1, momentum: 0.9 } },
    };
    const results = await runExperiment(config, {
      baseDir: '.',
      signal,
      onProgress: (report) => {
        reports.push(report);
        if ((report.partial?.training?.history.length ?? 0) >= 1) signal.aborted = true;
      },
    });
    assert.equal(results.training!.status, 'cancelled');
    assert.ok(results.training!.history.length >= 1 && results.training!.history.length < 50);
    assert.ok(reports.length >= 1 && reports[0].partial!.training!.history.length >= 1);
    const problem = buildNetworkObjective({ ...config, seed: 0 }, '.');
    const run = trainNetwork(problem, { ...resolveTrainOptions(config.training, 0), epochs: 3, recordParameters: true, onEpochEnd: (epoch, parameters, objective) => assert.equal(parameters.length, objective.dim) });
    assert.equal(run.snapshots.length, 4);
    assert.notDeepEqual(run.snapshots[0], run.snapshots[3]);
    assert.deepEqual(run.snapshots[3], run.parameters);
  });

  it('saves the trained weights (training.saveWeights) and a config starting from them reproduces the final loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'save-weights-'));
    for (const file of ['trained.safetensors', 'trained.json']) {
      const data = { kind: 'synthetic' as const, name: 'circles' as const, samples: 100, testFraction: 0 };
      const results = await runExperiment({ name: 'save', model: { layers: [2, 6, 2] }, data, training: { epochs: 5, saveWeights: file } }, { baseDir: dir });
      assert.equal(results.training!.savedWeights, join(dir, file));
      const reloaded = buildNetworkObjective({ model: { layers: [2, 6, 2], weights: file }, data }, dir);
      const loss = reloaded.objective.value(reloaded.parameters);
      assert.ok(Math.abs(loss - results.training!.history.at(-1)!.loss) < 1e-12, `${file}: ${loss}`);
    }
  });
});
