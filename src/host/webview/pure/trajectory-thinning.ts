/**
 * What the webviews get of a run: results.json keeps every step, but a trajectory of hundreds of
 * thousands of points would make each message tens of megabytes (serialized on the extension
 * host's thread, drawn as one polyline). Long trajectories go to the views every k-th step, the
 * final point always kept, with a warning that says so. Pure: no `vscode`.
 */
import type { ExperimentResults, TrajectoryResult } from '../../../shared/results';

/** Most points per trajectory a view receives. */
export const VIEW_POINTS = 5000;

/** `results` as the views get it: the same object when nothing needs thinning. */
export function resultsForView(results: ExperimentResults, maxPoints = VIEW_POINTS): ExperimentResults {
  const trajectories = results.trajectories;
  if (!trajectories?.some((trajectory) => trajectory.points.length > maxPoints)) return results;
  const thinned = trajectories.map((trajectory) => thinTrajectory(trajectory, maxPoints));
  const strides = thinned.filter((trajectory) => trajectory.stride !== undefined).map((trajectory) => `${trajectory.label} every ${trajectory.stride} steps`);
  return {
    ...results,
    trajectories: thinned,
    warnings: [...results.warnings, `long trajectories are drawn thinned (${strides.join(', ')}); results.json and the CSVs have every step`],
  };
}

/** Every k-th entry (k the smallest stride that fits) and the last one. */
export function thinTrajectory(trajectory: TrajectoryResult, maxPoints: number): TrajectoryResult {
  const count = trajectory.points.length;
  if (count <= maxPoints) return trajectory;
  const stride = Math.ceil((count - 1) / (maxPoints - 1));
  const pick = <T>(values: T[] | undefined): T[] | undefined => {
    if (!values) return undefined;
    const kept: T[] = [];
    for (let index = 0; index < values.length; index += stride) kept.push(values[index]);
    if ((values.length - 1) % stride !== 0) kept.push(values[values.length - 1]);
    return kept;
  };
  return {
    ...trajectory,
    points: pick(trajectory.points) ?? [],
    values: pick(trajectory.values) ?? [],
    gradientNorms: pick(trajectory.gradientNorms) ?? [],
    hessianEigenvalues: pick(trajectory.hessianEigenvalues),
    learningRates: pick(trajectory.learningRates) ?? [],
    stride,
  };
}
