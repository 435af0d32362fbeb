/**
 * worker_threads entry (dist/worker.js): runs whole experiments and evaluates row segments of
 * landscape grids for the pool (worker-pool.ts), streams progress and partial rows, and obeys the
 * host's cancel flag (a SharedArrayBuffer Int32 read synchronously inside core's loops).
 */
import { parentPort } from 'node:worker_threads';
import type { Cancellation } from '../../core/cancellation';
import { ExperimentFailed, runExperiment, type ExperimentConfig } from '../../core/experiment';
import type { PlaneRunner } from '../../core/landscape/grid';
import { planeEvaluator, type PlaneEvaluator } from '../../core/landscape/evaluator';
import { withSharedArrays } from '../../core/landscape/shared-spec';
import type { SegmentValues } from '../../core/landscape/types';
import type { PoolRequest, PoolResponse } from './protocol';

const port = parentPort;
const post = (message: PoolResponse) => port?.postMessage(message);

/** The host's cancel flag as core's Cancellation: aborted once the host stored 1. */
function flagSignal(buffer: SharedArrayBuffer | undefined): Cancellation | undefined {
  if (!buffer) return undefined;
  const flag = new Int32Array(buffer);
  return {
    get aborted() {
      return Atomics.load(flag, 0) !== 0;
    },
  };
}

const planes = new Map<number, { evaluator: PlaneEvaluator; signal?: Cancellation }>();
const pendingRequests = new Map<number, { onSegment: (values: SegmentValues) => void; resolve: () => void; reject: (error: Error) => void }>();
let nextRequestId = 1;

/** A running experiment's grid goes back to the pool, which spreads its segments over every worker (this one included). */
function poolPlaneRunner(jobId: number): PlaneRunner {
  return (spec, segments, onSegment) =>
    new Promise<void>((resolve, reject) => {
      const requestId = nextRequestId++;
      pendingRequests.set(requestId, { onSegment, resolve, reject });
      // Shared memory: the pool and the other workers read the data set without a copy.
      post({ type: 'plane-request', jobId, requestId, spec: withSharedArrays(spec), segments });
    });
}

async function runJob(request: Extract<PoolRequest, { type: 'run' }>): Promise<void> {
  try {
    const results = await runExperiment(request.config as ExperimentConfig, {
      baseDir: request.baseDir,
      signal: flagSignal(request.cancelFlag),
      onProgress: (report) => post({ type: 'progress', jobId: request.jobId, report }),
      planeRunner: request.cancelFlag ? poolPlaneRunner(request.jobId) : undefined,
    });
    post({ type: 'done', jobId: request.jobId, results });
  } catch (error) {
    // A part that failed keeps the results of the parts that finished.
    const results = error instanceof ExperimentFailed ? error.results : undefined;
    post({ type: 'failed', jobId: request.jobId, message: (error as Error).message, results });
  }
}

port?.on('message', (request: PoolRequest) => {
  switch (request.type) {
    case 'run':
      void runJob(request);
      return;
    case 'plane-setup':
      try {
        planes.set(request.planeId, { evaluator: planeEvaluator(request.spec), signal: flagSignal(request.cancelFlag) });
      } catch (error) {
        post({ type: 'plane-failed', planeId: request.planeId, message: (error as Error).message });
      }
      return;
    case 'plane-segment': {
      const plane = planes.get(request.planeId);
      if (!plane) return; // its setup failed and was reported
      try {
        const values = plane.evaluator.evaluateSegment(request.segment, plane.signal);
        post(values ? { type: 'segment-done', planeId: request.planeId, values } : { type: 'segment-stopped', planeId: request.planeId, segment: request.segment });
      } catch (error) {
        post({ type: 'plane-failed', planeId: request.planeId, message: (error as Error).message });
      }
      return;
    }
    case 'plane-release':
      planes.delete(request.planeId);
      return;
    case 'plane-values':
      pendingRequests.get(request.requestId)?.onSegment(request.values);
      return;
    case 'plane-finished': {
      const pending = pendingRequests.get(request.requestId);
      pendingRequests.delete(request.requestId);
      if (request.error) pending?.reject(new Error(request.error));
      else pending?.resolve();
      return;
    }
  }
});
