import type { Backend } from '../config/prepare';
import type { ExperimentRunner } from './types';

/**
 * The runner of each backend, made when asked for: the extension host and the CLI build them
 * (they know where dist/worker.js and the Python package are, and the worker count).
 */
export type BackendRunners = { readonly [B in Backend]: () => ExperimentRunner };

/**
 * The runner that computes a prepared config: the one place a backend (chosen once, by
 * config/prepare.ts) becomes a runner. No runner asks again which configs it takes.
 */
export function runnerFor(backend: Backend, runners: BackendRunners): ExperimentRunner {
  return runners[backend]();
}
