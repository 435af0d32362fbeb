import { parentPort } from 'node:worker_threads';
import { runExperiment } from './core/experiment';
import type { ExperimentConfig } from './config/types';
import type { WorkerRequest, WorkerResponse } from './protocol';

/** worker_threads entry: runs core jobs, streams progress. */
parentPort?.on('message', async (request: WorkerRequest) => {
  const post = (message: WorkerResponse) => parentPort?.postMessage(message);
  try {
    const results = await runExperiment(request.config as ExperimentConfig, {
      baseDir: request.baseDir,
      onProgress: (report) => post({ type: 'progress', jobId: request.jobId, report }),
    });
    post({ type: 'done', jobId: request.jobId, results });
  } catch (error) {
    post({ type: 'failed', jobId: request.jobId, message: (error as Error).message });
  }
});
