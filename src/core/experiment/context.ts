import type { ExperimentResults, ProgressReport } from '../../shared/results';
import type { Cancellation } from '../cancellation';
import type { PlaneRunner } from '../landscape/grid';

/** Who runs an experiment and how it hears back: the config's folder (for relative data paths), cancellation and progress. */
export interface ExperimentContext {
  /** Folder of the config file: relative paths in the config resolve against it. */
  baseDir: string;
  signal?: Cancellation;
  onProgress?: (report: ProgressReport) => void;
  /** Evaluates landscape grid segments; the worker pool's spreads them over every worker (serial in-thread by default). */
  planeRunner?: PlaneRunner;
}

/** A run in which something the config asked for failed: the reason, and the results of every part that finished. */
export class ExperimentFailed extends Error {
  constructor(
    message: string,
    readonly results: ExperimentResults,
  ) {
    super(message);
    this.name = 'ExperimentFailed';
  }
}
