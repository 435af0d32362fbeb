import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { withSharedArrays } from '../../src/core/landscape/shared-spec';
import type { MlpProblem, PlaneSpec } from '../../src/core/landscape/types';

function mlpSpec(samples: number): PlaneSpec {
  const inputs = Float64Array.from({ length: samples * 4 }, (_, index) => Math.sin(index));
  const targets = Float64Array.from({ length: samples * 2 }, (_, index) => index % 2);
  const problem: MlpProblem = { kind: 'mlp', spec: { sizes: [4, 2], activations: ['linear'], bias: true, loss: 'mse' }, inputs, targets, samples };
  return { problem, origin: new Float64Array(10).fill(0.5), directions: [new Float64Array(10).fill(1), new Float64Array(10).fill(-1)], alphas: [-1, 0, 1], betas: [0, 1] };
}

test('withSharedArrays puts the data set, origin and directions in shared memory with the same numbers', () => {
  const spec = mlpSpec(50);
  const shared = withSharedArrays(spec, new WeakMap());
  const problem = shared.problem as MlpProblem;
  const original = spec.problem as MlpProblem;
  for (const [copy, source] of [[problem.inputs, original.inputs], [problem.targets, original.targets], [shared.origin, spec.origin], ...shared.directions.map((direction, index) => [direction, spec.directions[index]])]) {
    assert.ok(copy.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(copy), Array.from(source));
  }
  assert.deepEqual([shared.alphas, shared.betas], [spec.alphas, spec.betas]);
});

test('withSharedArrays copies a data set once for every spec that reuses it, and posting it shares instead of copying', () => {
  const copies = new WeakMap<Float64Array, Float64Array>();
  const spec = mlpSpec(50);
  const first = withSharedArrays(spec, copies);
  const second = withSharedArrays({ ...spec, alphas: [0] }, copies);
  assert.equal((second.problem as MlpProblem).inputs, (first.problem as MlpProblem).inputs, 'the second level reuses the first copy');
  assert.equal(withSharedArrays(first, copies).origin, first.origin, 'an already shared array is kept');
  spec.origin[3] = 7; // weights updated in place after the first plane
  const third = withSharedArrays(spec, copies);
  assert.notEqual(third.origin, first.origin);
  assert.equal(third.origin[3], 7, 'a source that changed is copied again, never served stale');
  assert.equal(first.origin[3], 0.5);
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(first);
    const received = receiveMessageOnPort(port2)?.message as PlaneSpec;
    const inputs = (received.problem as MlpProblem).inputs;
    (first.problem as MlpProblem).inputs[0] = 42;
    assert.equal(inputs[0], 42, 'the receiver sees the same memory');
  } finally {
    port1.close();
  }
});
