import { builtinSurface, surfaceFromExpression, type Domain, type Surface, type SurfaceName } from './catalog';
import { evaluateGrid } from './grid';
import { nonFiniteCells, partlyFiniteMessage } from './finiteness';
import { findCriticalPoints } from '../critical-points';
import { resolveOptimizerSpec, type OptimizerName, type Schedule } from '../optimizers';
import { runTrajectory } from '../trajectory';
import type { Cancellation } from '../cancellation';
import type { CriticalPointResult, ProgressReport, SurfaceResult, TrajectoryResult } from '../../shared/results';

/** A 2-D surface: a built-in by name (with its parameters) or an expression over a domain. */
export interface SurfaceSpec {
  name?: SurfaceName;
  expression?: string;
  domain?: Domain;
  parameters?: Record<string, number>;
}

/** Defaults of a surface race, as the schema documents them. */
export const RACE_DEFAULTS = { start: [1, 0.001] as [number, number], steps: 100, resolution: 101 };

/** The surface a spec names, built-in or from an expression (a bad expression throws ExpressionError). */
export function surfaceFromConfig(surface: SurfaceSpec): Surface {
  if (surface.expression) return surfaceFromExpression(surface.expression, surface.domain ?? [[-2, 2], [-2, 2]]);
  const builtin = builtinSurface(surface.name ?? 'saddle', surface.parameters);
  return surface.domain ? { ...builtin, domain: surface.domain } : builtin;
}

/** What a race runs: the optimizers (torch.optim names and parameters) from one start on one surface. */
export interface RaceOptions {
  optimizers: ({ name: OptimizerName; label?: string; schedule?: Schedule } & Record<string, unknown>)[];
  start: [number, number];
  steps: number;
  tolerance?: number;
  divergenceBound?: number;
  /** Optimizer k draws from the PRNG stream seed + k. */
  seed: number;
  /** Contour grid: the domain (default the surface's) and points per axis. */
  domain?: Domain;
  resolution: number;
  criticalPoints: boolean;
  signal?: Cancellation;
  /** Progress, with each finished trajectory list and the grid as `partial`. */
  onProgress?: (report: ProgressReport) => void;
}

export interface RaceResult {
  trajectories: TrajectoryResult[];
  surface?: SurfaceResult;
  criticalPoints?: CriticalPointResult[];
  /** Seconds of the trajectories, the grid and the critical-point search. */
  timings: Record<string, number>;
  /** Optimizers that diverged or left where the surface is defined; grid cells where it is undefined. */
  warnings: string[];
}

/** Least time between two progress reports inside one trajectory. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Races every optimizer from the same start on the surface, each with its own PRNG stream
 * (seed + index); then the contour grid and the critical points (Newton from a grid of starts).
 * A cancellation keeps the finished trajectories.
 */
export function runSurfaceRace(surface: Surface, options: RaceOptions): RaceResult {
  const domain = options.domain ?? surface.domain;
  const { optimizers, steps, signal } = options;
  const result: RaceResult = { trajectories: [], timings: {}, warnings: [] };
  const started = performance.now();
  let lastReport = performance.now();
  optimizers.forEach((entry, index) => {
    if (signal?.aborted) return;
    const spec = resolveOptimizerSpec(entry);
    const trajectory = runTrajectory(surface, spec, {
      start: options.start,
      steps,
      tolerance: options.tolerance,
      divergenceBound: options.divergenceBound,
      seed: options.seed + index,
      recordEigenvalues: true,
      signal,
      // Long trajectories report how far they are, a few times a second at most.
      onProgress: (done) => {
        const now = performance.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = now;
        options.onProgress?.({ fraction: (index + done / steps) / (optimizers.length + 2), message: `${spec.label}: step ${done}/${steps}` });
      },
    });
    if (trajectory.status.startsWith('diverged')) result.warnings.push(`${trajectory.label}: ${trajectory.status}`);
    if (trajectory.status.startsWith('undefined')) {
      const where = trajectory.points.at(-1)?.map((value) => Number(value.toPrecision(4))).join(', ');
      result.warnings.push(`${trajectory.label}: ${trajectory.status}: f or its gradient is not a number at (${where}), outside where the expression is defined`);
    }
    result.trajectories.push(trajectory);
    options.onProgress?.({
      fraction: (index + 1) / (optimizers.length + 2),
      message: `${trajectory.label}: ${trajectory.status} after ${trajectory.steps} steps`,
      partial: { trajectories: [...result.trajectories] },
    });
  });
  result.timings.trajectories = (performance.now() - started) / 1000;
  const gridStarted = performance.now();
  result.surface = { name: surface.name, formula: surface.formula, domain, grid: evaluateGrid(surface, domain, options.resolution) };
  const undefinedCells = partlyFiniteMessage(nonFiniteCells((x, y) => surface.value(Float64Array.of(x, y)), domain, options.resolution));
  if (undefinedCells) result.warnings.push(undefinedCells);
  result.timings.grid = (performance.now() - gridStarted) / 1000;
  options.onProgress?.({ fraction: (optimizers.length + 1) / (optimizers.length + 2), message: 'contour grid', partial: { surface: result.surface } });
  if (options.criticalPoints && !signal?.aborted) {
    const criticalStarted = performance.now();
    result.criticalPoints = findCriticalPoints(surface, { domain });
    result.timings.criticalPoints = (performance.now() - criticalStarted) / 1000;
  }
  return result;
}
