/**
 * A trajectory as CSV: one row per point (step, coordinates, value, gradient norm, learning rate,
 * and the Hessian's extreme eigenvalues when recorded). Long trajectories keep their arrays only
 * here (results.json names the file), so they are written and read back row by row.
 */
import { readFileSync } from 'node:fs';
import type { TrajectoryResult } from '../shared/results';
import { FileTextSink } from './json-file-writer';

/** Rows gathered into one string before it goes to the file. */
const ROWS_PER_WRITE = 10_000;

function header(trajectory: TrajectoryResult): string {
  const dim = trajectory.points[0]?.length ?? 0;
  const coordinates = dim === 2 ? ['x', 'y'] : Array.from({ length: dim }, (_, i) => `x${i}`);
  const eigen = trajectory.hessianEigenvalues !== undefined;
  return ['step', ...coordinates, 'value', 'gradientNorm', 'learningRate', ...(eigen ? ['lambdaMin', 'lambdaMax'] : [])].join(',');
}

function row(trajectory: TrajectoryResult, step: number): string {
  const cells: (number | string)[] = [step, ...trajectory.points[step], trajectory.values[step], trajectory.gradientNorms[step], trajectory.learningRates[step] ?? ''];
  if (trajectory.hessianEigenvalues) {
    const eigenvalues = trajectory.hessianEigenvalues[step] ?? [];
    cells.push(eigenvalues[0] ?? '', eigenvalues[eigenvalues.length - 1] ?? '');
  }
  return cells.join(',');
}

/** The whole CSV as one string (for small trajectories and tests). */
export function trajectoryCsv(trajectory: TrajectoryResult): string {
  return [header(trajectory), ...trajectory.points.map((_, step) => row(trajectory, step))].join('\n') + '\n';
}

/** Writes the CSV to a new file at `path`, ROWS_PER_WRITE rows at a time. */
export function writeTrajectoryCsv(path: string, trajectory: TrajectoryResult): void {
  const sink = new FileTextSink(path);
  try {
    sink.write(header(trajectory) + '\n');
    for (let start = 0; start < trajectory.points.length; start += ROWS_PER_WRITE) {
      const rows: string[] = [];
      for (let step = start; step < Math.min(start + ROWS_PER_WRITE, trajectory.points.length); step++) rows.push(row(trajectory, step));
      sink.write(rows.join('\n') + '\n');
    }
  } finally {
    sink.close();
  }
}

/** True when the CSV holds all of the trajectory's arrays exactly (its eigenvalues are only the extremes, which is all of them up to two dimensions). */
export function csvHoldsTrajectory(trajectory: TrajectoryResult): boolean {
  return (trajectory.points[0]?.length ?? 0) <= 2;
}

/** The arrays of a trajectory read back from its CSV (written by writeTrajectoryCsv, at most two dimensions). */
export function readTrajectoryCsv(path: string): Pick<TrajectoryResult, 'points' | 'values' | 'gradientNorms' | 'learningRates' | 'hessianEigenvalues'> {
  const text = readFileSync(path, 'utf8');
  const firstBreak = text.indexOf('\n');
  const columns = text.slice(0, firstBreak).trim().split(',');
  const dim = columns.indexOf('value') - 1;
  const eigen = columns.includes('lambdaMin');
  if (dim < 0 || columns[0] !== 'step') throw new Error(`${path} is not a trajectory CSV (its header is "${columns.join(',').slice(0, 80)}")`);
  const points: number[][] = [];
  const values: number[] = [];
  const gradientNorms: number[] = [];
  const learningRates: number[] = [];
  const hessianEigenvalues: number[][] | undefined = eigen ? [] : undefined;
  for (let start = firstBreak + 1; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line === '') continue;
    const cells = line.split(',');
    points.push(cells.slice(1, 1 + dim).map(Number));
    values.push(Number(cells[1 + dim]));
    gradientNorms.push(Number(cells[2 + dim]));
    if (cells[3 + dim] !== '') learningRates.push(Number(cells[3 + dim]));
    if (hessianEigenvalues) {
      const [low, high] = [cells[4 + dim], cells[5 + dim]];
      hessianEigenvalues.push(low === '' || low === undefined ? [] : dim === 1 ? [Number(low)] : [Number(low), Number(high)]);
    }
  }
  return { points, values, gradientNorms, learningRates, hessianEigenvalues };
}
