/**
 * A plane spec whose large arrays (an MLP's data set, the origin and the
 * directions) live in SharedArrayBuffers. Posting a spec to another thread then shares the memory
 * instead of copying it: the MNIST example's training inputs alone are 4000 × 784 numbers (25 MB),
 * sent once per refinement level to every worker, which blocked the sending thread (the extension
 * host's, too) for hundreds of milliseconds. The evaluators only read these arrays.
 */
import { Buffer } from 'node:buffer';
import type { LandscapeProblem, PlaneSpec } from './types';

/** The bytes of a typed array (a view, no copy). */
function bytesOf(array: Float64Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * The same numbers in shared memory (the array itself when it is already shared). Copies are
 * remembered per source array and reused only while the source still holds the same bytes (the
 * weights a training loop updates in place get a fresh copy).
 */
function shared(array: Float64Array, copies: WeakMap<Float64Array, Float64Array>): Float64Array {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  let copy = copies.get(array);
  if (!copy || copy.length !== array.length || !bytesOf(copy).equals(bytesOf(array))) {
    copy = new Float64Array(new SharedArrayBuffer(array.byteLength));
    copy.set(array);
    copies.set(array, copy);
  }
  return copy;
}

const remembered = new WeakMap<Float64Array, Float64Array>();

function sharedProblem(problem: LandscapeProblem, copies: WeakMap<Float64Array, Float64Array>): LandscapeProblem {
  switch (problem.kind) {
    case 'mlp':
      return { ...problem, inputs: shared(problem.inputs, copies), targets: shared(problem.targets, copies) };
    default:
      return problem;
  }
}

/** `spec` with its arrays in shared memory; the same source array (a data set reused by every refinement level) is copied once. */
export function withSharedArrays(spec: PlaneSpec, copies: WeakMap<Float64Array, Float64Array> = remembered): PlaneSpec {
  return { ...spec, problem: sharedProblem(spec.problem, copies), origin: shared(spec.origin, copies), directions: spec.directions.map((direction) => shared(direction, copies)) };
}
