import type { ExperimentConfig, LandscapeAnalysisConfig } from '../../config/types';
import type { ExperimentResults, LandscapeResult } from '../../results';
import type { ExperimentContext } from '../experiment';
import { lanczosExtremes } from '../hessian/lanczos';
import { hessianOperator } from '../hessian/operator';
import type { TrainingRun } from '../nn/train';
import { Random } from '../random';
import { interpolationDirection, randomPlane } from './directions';
import { computePlaneGrid, linspace, serialPlaneRunner, type PlaneGridValues } from './grid';
import { trajectoryPca } from './pca';
import { projectTrajectory } from './projection';
import { landscapeSubject, type LandscapeSubject } from './subject';
import type { PlaneSpec } from './types';

/** Defaults of analyses.landscape, as the schema documents them (Li et al.'s 51×51 over [−1, 1]²). */
export const LANDSCAPE_DEFAULTS = { resolution: 51, range: [-1, 1] as [number, number], interpolationRange: [-0.5, 1.5] as [number, number] };

/** Training hooks a landscape needs: the per-epoch parameter snapshots (for the projected path and PCA). */
export function landscapeTrainingHooks(config: ExperimentConfig): { recordParameters?: boolean } {
  return config.analyses?.landscape ? { recordParameters: true } : {};
}

interface Plane {
  origin: Float64Array;
  directions: Float64Array[];
  range: [number, number];
  explainedVariance?: number[];
  eigenvalues?: number[];
}

/** The directions a config asks for, with the range they are drawn over. */
function choosePlane(settings: LandscapeAnalysisConfig, subject: LandscapeSubject, seed: number, context: ExperimentContext): Plane {
  const dimensions = settings.directions === 'interpolation' ? 1 : (settings.dimensions ?? 2);
  const range = typeof settings.range === 'number' ? ([-settings.range, settings.range] as [number, number]) : settings.range;
  if (range && !(range[0] < range[1])) throw new Error(`analyses.landscape.range [${range.join(', ')}]: the first value must be below the second, e.g. [-1, 1]`);
  switch (settings.directions ?? 'random') {
    case 'interpolation':
      return { origin: subject.initial, directions: [interpolationDirection(subject.initial, subject.center)], range: range ?? LANDSCAPE_DEFAULTS.interpolationRange };
    case 'pca': {
      const { directions, explainedVariance } = trajectoryPca(subject.path, subject.center, dimensions);
      const projected = projectTrajectory(subject.path, subject.center, directions);
      const reach = 1.2 * Math.max(...projected.alpha.map(Math.abs), ...projected.beta.map(Math.abs), 1e-12);
      return { origin: subject.center, directions, range: range ?? [-reach, reach], explainedVariance };
    }
    case 'hessian': {
      const pairs = lanczosExtremes(hessianOperator(subject.objective, subject.center), { top: 1, bottom: dimensions - 1, seed, signal: context.signal });
      const chosen = [...pairs.top, ...pairs.bottom];
      return { origin: subject.center, directions: chosen.map((pair) => pair.vector), range: range ?? LANDSCAPE_DEFAULTS.range, eigenvalues: chosen.map((pair) => pair.value) };
    }
    case 'random': {
      const normalization = settings.normalization ?? (subject.layers ? 'filter' : 'unit');
      const directions = randomPlane(subject.center, new Random(seed), normalization, subject.layers, settings.ignoreBiases ?? true, dimensions as 1 | 2);
      return { origin: subject.center, directions, range: range ?? LANDSCAPE_DEFAULTS.range };
    }
  }
}

/** NaN (not computed) becomes null, as JSON writes it. */
const orNull = (values: Float64Array): (number | null)[] => Array.from(values, (value) => (Number.isNaN(value) ? null : value));

/**
 * The landscape part of an experiment (analyses.landscape): directions, the grid by progressive
 * refinement (each level streamed as partial.landscape), and the training path projected on the
 * plane. Grid points go to context.planeRunner (the worker pool) or run in this thread.
 */
export async function runLandscapeAnalysis(config: ExperimentConfig, results: ExperimentResults, context: ExperimentContext, training?: TrainingRun): Promise<void> {
  const settings = config.analyses?.landscape;
  if (!settings || context.signal?.aborted) return;
  const started = performance.now();
  try {
    const subject = landscapeSubject(config, results, context.baseDir, training);
    if (!subject) {
      results.warnings.push('analyses.landscape needs a "surface" or a "model" with "data" to draw');
      return;
    }
    const plane = choosePlane(settings, subject, config.seed ?? 0, context);
    const resolution = settings.resolution ?? LANDSCAPE_DEFAULTS.resolution;
    const alphas = linspace(plane.range[0], plane.range[1], resolution);
    const spec: PlaneSpec = { problem: subject.problem, origin: plane.origin, directions: plane.directions, alphas, betas: plane.directions.length === 2 ? alphas.slice() : [0] };
    const trajectory = subject.path.length > 0 ? projectTrajectory(subject.path, plane.origin, plane.directions) : undefined;
    const describe = (grid: PlaneGridValues, stride: number, complete: boolean): LandscapeResult => ({
      directions: settings.directions ?? 'random',
      normalization: settings.directions && settings.directions !== 'random' ? 'none' : (settings.normalization ?? (subject.layers ? 'filter' : 'unit')),
      dimensions: plane.directions.length as 1 | 2,
      alphas: grid.alphas,
      betas: grid.betas,
      loss: orNull(grid.loss),
      accuracy: grid.accuracy && orNull(grid.accuracy),
      samples: subject.samples,
      trajectory,
      explainedVariance: plane.explainedVariance,
      eigenvalues: plane.eigenvalues,
      stride,
      complete,
    });
    const grid = await computePlaneGrid(spec, context.planeRunner ?? serialPlaneRunner, {
      signal: context.signal,
      onLevel: (level, stride) => context.onProgress?.({ fraction: level.computed / (alphas.length * spec.betas.length), message: `landscape: ${level.alphas.length}×${level.betas.length} grid`, partial: { landscape: describe(level, stride, stride === 1) } }),
    });
    const complete = grid.computed === grid.loss.length;
    results.landscape = describe(grid, 1, complete);
    if (!complete) results.warnings.push(`landscape cancelled: ${grid.computed} of ${grid.loss.length} grid points computed, the rest are null`);
  } catch (caught) {
    if (caught instanceof Error) results.warnings.push(`landscape: ${caught.message}`);
    else throw caught;
  } finally {
    results.timings.landscape = (performance.now() - started) / 1000;
  }
}
