import type { LandscapeResult, ProgressReport } from '../../shared/results';
import type { Cancellation } from '../cancellation';
import { lanczosExtremes } from '../hessian/lanczos';
import { hessianOperator } from '../hessian/operator';
import { Random } from '../random';
import { interpolationDirection, randomPlane } from './directions';
import { computePlaneGrid, linspace, serialPlaneRunner, type PlaneGridValues, type PlaneRunner } from './grid';
import { planeEvaluator } from './evaluator';
import type { LandscapeOptions } from './options';
import { trajectoryPca } from './pca';
import { projectTrajectory, type ProjectedTrajectory } from './projection';
import type { LandscapeSubject } from './subject';
import type { PlaneSpec } from './types';

/** Defaults of analyses.landscape, as the schema documents them (Li et al.'s 51×51 over [−1, 1]²). */
export const LANDSCAPE_DEFAULTS = { resolution: 51, range: [-1, 1] as [number, number], interpolationRange: [-0.5, 1.5] as [number, number] };

/** How a landscape is computed: the seed of its random directions, cancellation, where grid points run and where levels go. */
export interface LandscapeRunOptions {
  seed: number;
  signal?: Cancellation;
  /** Evaluates grid segments (the worker pool spreads them over every worker); serial in this thread by default. */
  planeRunner?: PlaneRunner;
  /** Each refinement level, as a partial result. */
  onProgress?: (report: ProgressReport) => void;
}

export interface LandscapeOutcome {
  landscape: LandscapeResult;
  /** Set when cancelled (how many grid points were computed; the rest are null) and when the loss is not finite at some grid or path points (how many, and where). */
  warning?: string;
}

interface Plane {
  origin: Float64Array;
  directions: Float64Array[];
  range: [number, number];
  explainedVariance?: number[];
  eigenvalues?: number[];
}

/** The directions the options ask for, with the range they are drawn over. */
function choosePlane(settings: LandscapeOptions, subject: LandscapeSubject, seed: number, signal?: Cancellation): Plane {
  const dimensions = settings.directions === 'interpolation' ? 1 : (settings.dimensions ?? 2);
  const range = typeof settings.range === 'number' ? ([-settings.range, settings.range] as [number, number]) : settings.range;
  if (range && !(range[0] < range[1])) throw new Error(`analyses.landscape.range [${range.join(', ')}]: the first value must be below the second, e.g. [-1, 1]`);
  switch (settings.directions ?? 'random') {
    case 'interpolation':
      if (subject.path.length === 0) throw new Error('analyses.landscape.directions "interpolation" draws the line from the initial to the trained weights: add a "training" section, or use "random" directions');
      return { origin: subject.initial, directions: [interpolationDirection(subject.initial, subject.center)], range: range ?? LANDSCAPE_DEFAULTS.interpolationRange };
    case 'pca': {
      const { directions, explainedVariance } = trajectoryPca(subject.path, subject.center, dimensions);
      const projected = projectTrajectory(subject.path, subject.center, directions);
      const reach = 1.2 * Math.max(...projected.alpha.map(Math.abs), ...projected.beta.map(Math.abs), 1e-12);
      return { origin: subject.center, directions, range: range ?? [-reach, reach], explainedVariance };
    }
    case 'hessian': {
      const pairs = lanczosExtremes(hessianOperator(subject.objective, subject.center), { top: 1, bottom: dimensions - 1, seed, signal });
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

/**
 * The loss on the plane at each point of the projected path, θ(αₜ, βₜ): evaluated, not read off
 * the grid (the grid's interpolation smooths what lies between its points). Null from the point
 * where a cancellation stopped it.
 */
function lossAlongPath(spec: PlaneSpec, trajectory: ProjectedTrajectory, signal?: Cancellation): { loss: (number | null)[]; evaluated: number; nonFinite: number[] } {
  const twoD = spec.directions.length === 2;
  const evaluator = planeEvaluator({ ...spec, alphas: trajectory.alpha, betas: twoD ? trajectory.beta : [0] });
  const out: (number | null)[] = [];
  const nonFinite: number[] = [];
  for (let t = 0; t < trajectory.alpha.length; t++) {
    const values = evaluator.evaluateSegment({ row: twoD ? t : 0, columns: [t] }, signal);
    if (!values) break;
    if (!Number.isFinite(values.loss[0])) nonFinite.push(t);
    out.push(Number.isFinite(values.loss[0]) ? values.loss[0] : null);
  }
  const evaluated = out.length;
  while (out.length < trajectory.alpha.length) out.push(null);
  return { loss: out, evaluated, nonFinite };
}

/** How many non-finite examples a message names. */
const EXAMPLES = 3;

/** "α=0.5, β=−1" for grid point `index` (α alone on a line), to four significant digits. */
function gridPoint(grid: PlaneGridValues, index: number): string {
  const alpha = grid.alphas[index % grid.alphas.length];
  const beta = grid.betas[Math.floor(index / grid.alphas.length)];
  const round = (value: number) => String(Number(value.toPrecision(4)));
  return grid.betas.length === 1 ? `α=${round(alpha)}` : `α=${round(alpha)}, β=${round(beta)}`;
}

/**
 * The warning for grid points whose loss is NaN or ±Infinity (null in the result, as points not
 * computed are), naming the first few; none when every loss is finite. A finished grid with no
 * finite point at all is not a landscape: that throws, so the run fails saying why.
 */
export function nonFiniteGridWarning(grid: PlaneGridValues): string | undefined {
  const bad = [...(grid.nonFinite ?? [])].sort((a, b) => a - b);
  if (bad.length === 0) return undefined;
  const named = bad.slice(0, EXAMPLES).map((index) => gridPoint(grid, index));
  const more = bad.length > EXAMPLES ? `, and ${bad.length - EXAMPLES} more` : '';
  if (bad.length === grid.loss.length) {
    throw new Error(`the loss is not finite at any of the ${grid.loss.length} grid points (e.g. at ${named[0]}): the model's output or its loss (or the surface's formula) is NaN or ±Infinity there; check the weights and the data for NaN or Infinity, and narrow analyses.landscape.range if the loss overflows far from the centre`);
  }
  return `the loss is not finite (NaN or ±Infinity) at ${bad.length} of ${grid.computed} computed grid points (at ${named.join('; ')}${more}): those points are null in the landscape`;
}

/** The warning for points of the path whose loss is not finite, naming the first few indices (0 is the path's start). */
export function nonFinitePathWarning(nonFinite: number[], points: number): string | undefined {
  if (nonFinite.length === 0) return undefined;
  const more = nonFinite.length > EXAMPLES ? `, and ${nonFinite.length - EXAMPLES} more` : '';
  return `the loss is not finite (NaN or ±Infinity) at ${nonFinite.length} of the path's ${points} points (indices ${nonFinite.slice(0, EXAMPLES).join(', ')}${more}): those points are null in the path's loss`;
}

/** Warnings joined into the one line the outcome carries, or undefined when there are none. */
const joined = (...lines: (string | undefined)[]): string | undefined => lines.filter((line) => line !== undefined).join('; ') || undefined;

/** NaN (not computed) becomes null, as JSON writes it. */
const orNull = (values: Float64Array): (number | null)[] => Array.from(values, (value) => (Number.isNaN(value) ? null : value));

/**
 * The loss on a plane or line through the subject's centre (Li et al. 2018): the directions,
 * the grid by progressive refinement (each level streamed as partial.landscape) and the path
 * projected on the plane. A cancellation keeps the computed points (null elsewhere); points whose
 * loss is NaN or ±Infinity are null too and named in the warning; a bad option, a failed grid or a
 * grid with no finite loss at all throws.
 */
export async function computeLandscape(subject: LandscapeSubject, settings: LandscapeOptions, options: LandscapeRunOptions): Promise<LandscapeOutcome> {
  const plane = choosePlane(settings, subject, options.seed, options.signal);
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
  const grid = await computePlaneGrid(spec, options.planeRunner ?? serialPlaneRunner, {
    signal: options.signal,
    onLevel: (level, stride) => options.onProgress?.({ fraction: level.computed / (alphas.length * spec.betas.length), message: `landscape: ${level.alphas.length}×${level.betas.length} grid`, partial: { landscape: describe(level, stride, stride === 1) } }),
  });
  const complete = grid.computed === grid.loss.length;
  const gridWarning = nonFiniteGridWarning(grid);
  if (!complete) return { landscape: describe(grid, 1, false), warning: joined(`landscape cancelled: ${grid.computed} of ${grid.loss.length} grid points computed, the rest are null`, gridWarning) };
  if (!trajectory) return { landscape: describe(grid, 1, true), warning: gridWarning };
  options.onProgress?.({ fraction: 1, message: `landscape: the loss along the path (${trajectory.alpha.length} points)` });
  const path = lossAlongPath(spec, trajectory, options.signal);
  const landscape = { ...describe(grid, 1, true), trajectory: { ...trajectory, loss: path.loss } };
  const stopped = path.evaluated < path.loss.length;
  const pathWarning = nonFinitePathWarning(path.nonFinite, path.loss.length);
  return { landscape, warning: joined(gridWarning, pathWarning, stopped ? `landscape cancelled along the path: the loss at ${path.evaluated} of ${path.loss.length} of its points computed, the rest are null` : undefined) };
}
