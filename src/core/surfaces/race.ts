import { builtinSurface, surfaceFromExpression, type Surface } from './catalog';
import { evaluateGrid } from './grid';
import { nonFiniteCells, partlyFiniteMessage } from './finiteness';
import { findCriticalPoints } from '../critical-points';
import { resolveOptimizerSpec } from '../optimizers';
import { runTrajectory } from '../trajectory';
import type { ExperimentConfig, SurfaceConfig } from '../../config/types';
import type { ExperimentResults } from '../../results';
import type { ExperimentContext } from '../experiment';

/** Defaults of a surface race, as the schema documents them. */
export const RACE_DEFAULTS = { start: [1, 0.001] as [number, number], steps: 100, resolution: 101 };

/** The surface a config names, built-in or from an expression (a bad expression throws ExpressionError). */
export function surfaceFromConfig(surface: SurfaceConfig): Surface {
  if (surface.expression) return surfaceFromExpression(surface.expression, surface.domain ?? [[-2, 2], [-2, 2]]);
  const builtin = builtinSurface(surface.name ?? 'saddle', surface.parameters);
  return surface.domain ? { ...builtin, domain: surface.domain } : builtin;
}

/**
 * Races every optimizer of the config from the same start on the surface, each with its own
 * PRNG stream (seed + index); then the critical points and the contour grid.
 */
/** Least time between two progress reports inside one trajectory. */
const PROGRESS_INTERVAL_MS = 250;

export function runSurfaceRace(config: ExperimentConfig, results: ExperimentResults, context: ExperimentContext): void {
  const surface = surfaceFromConfig(config.surface ?? {});
  const seed = config.seed ?? 0;
  const domain = config.grid?.domain ?? surface.domain;
  const optimizers = config.optimizers ?? [];
  const started = performance.now();
  results.trajectories = [];
  const steps = config.steps ?? RACE_DEFAULTS.steps;
  let lastReport = performance.now();
  optimizers.forEach((entry, index) => {
    if (context.signal?.aborted) return;
    const spec = resolveOptimizerSpec(entry);
    const trajectory = runTrajectory(surface, spec, {
      start: config.start ?? RACE_DEFAULTS.start,
      steps,
      tolerance: config.tolerance,
      divergenceBound: config.divergenceBound,
      seed: seed + index,
      recordEigenvalues: true,
      signal: context.signal,
      // Long trajectories report how far they are, a few times a second at most.
      onProgress: (done) => {
        const now = performance.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = now;
        context.onProgress?.({ fraction: (index + done / steps) / (optimizers.length + 2), message: `${spec.label}: step ${done}/${steps}` });
      },
    });
    if (trajectory.status.startsWith('diverged')) results.warnings.push(`${trajectory.label}: ${trajectory.status}`);
    if (trajectory.status.startsWith('undefined')) {
      const where = trajectory.points.at(-1)?.map((value) => Number(value.toPrecision(4))).join(', ');
      results.warnings.push(`${trajectory.label}: ${trajectory.status}: f or its gradient is not a number at (${where}), outside where the expression is defined`);
    }
    results.trajectories?.push(trajectory);
    context.onProgress?.({
      fraction: (index + 1) / (optimizers.length + 2),
      message: `${trajectory.label}: ${trajectory.status} after ${trajectory.steps} steps`,
      partial: { trajectories: [...(results.trajectories ?? [])] },
    });
  });
  results.timings.trajectories = (performance.now() - started) / 1000;
  const gridStarted = performance.now();
  const resolution = config.grid?.resolution ?? RACE_DEFAULTS.resolution;
  results.surface = { name: surface.name, formula: surface.formula, domain, grid: evaluateGrid(surface, domain, resolution) };
  const undefinedCells = partlyFiniteMessage(nonFiniteCells((x, y) => surface.value(Float64Array.of(x, y)), domain, resolution));
  if (undefinedCells) results.warnings.push(undefinedCells);
  results.timings.grid = (performance.now() - gridStarted) / 1000;
  context.onProgress?.({ fraction: (optimizers.length + 1) / (optimizers.length + 2), message: 'contour grid', partial: { surface: results.surface } });
  if (config.criticalPoints !== false && !context.signal?.aborted) {
    const criticalStarted = performance.now();
    results.criticalPoints = findCriticalPoints(surface, { domain });
    results.timings.criticalPoints = (performance.now() - criticalStarted) / 1000;
  }
}
