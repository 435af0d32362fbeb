import type { ExperimentResults } from './results';

/**
 * Results with nothing in them yet: what a run holds when it starts (the engine's pipeline, the
 * pool's partial results, the PyTorch runner) or when it could not start.
 */
export function emptyResults(config: { name: string; seed?: number }, createdAt = new Date().toISOString()): ExperimentResults {
  return { format: 1, name: config.name, seed: config.seed ?? 0, createdAt, timings: {}, warnings: [] };
}
