import type { Cancellation } from '../cancellation';
import { planeEvaluator } from './evaluator';
import type { PlaneSpec, RowSegment, SegmentValues } from './types';

/** Evaluates segments of a plane's grid, streaming each finished one; the pool's runner splits them across workers. */
export type PlaneRunner = (spec: PlaneSpec, segments: RowSegment[], onSegment: (values: SegmentValues) => void, signal?: Cancellation) => Promise<void>;

/** The in-thread runner: one evaluator, segments in order, stops at the first aborted point. */
export const serialPlaneRunner: PlaneRunner = async (spec, segments, onSegment, signal) => {
  const evaluator = planeEvaluator(spec);
  for (const segment of segments) {
    const values = evaluator.evaluateSegment(segment, signal);
    if (!values) return;
    onSegment(values);
  }
};

/** n evenly spaced points: xᵢ = min + i·(max − min)/(n − 1). */
export function linspace(min: number, max: number, count: number): number[] {
  if (count === 1) return [(min + max) / 2];
  return Array.from({ length: count }, (_, i) => min + (i * (max - min)) / (count - 1));
}

/** Indices 0, s, 2s, … of an axis of n points, plus the last one. */
export function strideIndices(count: number, stride: number): number[] {
  const indices: number[] = [];
  for (let i = 0; i < count; i += stride) indices.push(i);
  if (indices[indices.length - 1] !== count - 1) indices.push(count - 1);
  return indices;
}

/** Strides of progressive refinement, coarsest first: powers of two down to 1, the coarsest keeping ≥ 5 points per axis. */
export function refinementStrides(count: number): number[] {
  const strides = [1];
  while ((count - 1) / (strides[0] * 2) >= 4) strides.unshift(strides[0] * 2);
  return strides;
}

/**
 * The grid's points split into levels of progressive refinement: level ℓ holds the points of
 * the stride-sℓ subgrid not in a coarser level, as row segments. Every point is in exactly one level.
 */
export function refinementLevels(columns: number, rows: number): { stride: number; segments: RowSegment[] }[] {
  const strides = refinementStrides(Math.max(columns, rows));
  const seen = new Uint8Array(columns * rows);
  return strides.map((stride) => {
    const segments: RowSegment[] = [];
    const rowIndices = rows === 1 ? [0] : strideIndices(rows, stride);
    const columnIndices = strideIndices(columns, stride);
    for (const row of rowIndices) {
      const fresh = columnIndices.filter((column) => !seen[row * columns + column]);
      fresh.forEach((column) => (seen[row * columns + column] = 1));
      if (fresh.length > 0) segments.push({ row, columns: fresh });
    }
    return { stride, segments };
  });
}

/** Loss (and accuracy) on a grid, row-major: loss[j·alphas.length + i] at (alphas[i], betas[j]); NaN where not computed. */
export interface PlaneGridValues {
  alphas: number[];
  betas: number[];
  loss: Float64Array;
  accuracy?: Float64Array;
  /** Points computed out of alphas.length·betas.length. */
  computed: number;
  /** Indices (row-major, as loss) of computed points whose loss came back NaN or ±Infinity; those stay NaN in loss, like points not computed. Set on the full grid only. */
  nonFinite?: number[];
}

/** The stride-s subgrid of a grid: its axes and values (a coarse level of progressive refinement). */
export function subgrid(grid: PlaneGridValues, stride: number): PlaneGridValues {
  const columnIndices = strideIndices(grid.alphas.length, stride);
  const rowIndices = grid.betas.length === 1 ? [0] : strideIndices(grid.betas.length, stride);
  const pick = (values: Float64Array) => Float64Array.from(rowIndices.flatMap((row) => columnIndices.map((column) => values[row * grid.alphas.length + column])));
  return {
    alphas: columnIndices.map((i) => grid.alphas[i]),
    betas: rowIndices.map((j) => grid.betas[j]),
    loss: pick(grid.loss),
    accuracy: grid.accuracy && pick(grid.accuracy),
    computed: columnIndices.length * rowIndices.length,
  };
}

/**
 * The loss on the plane's whole grid, by progressive refinement: every level's segments go to
 * the runner at once (coarsest first), and onLevel receives each level's subgrid as soon as it
 * and all coarser levels are complete. On cancel, the finished points are kept (NaN elsewhere).
 */
export async function computePlaneGrid(spec: PlaneSpec, runner: PlaneRunner, options: { signal?: Cancellation; onLevel?: (level: PlaneGridValues, stride: number) => void } = {}): Promise<PlaneGridValues> {
  const columns = spec.alphas.length;
  const levels = refinementLevels(columns, spec.betas.length);
  const grid: PlaneGridValues = { alphas: spec.alphas, betas: spec.betas, loss: new Float64Array(columns * spec.betas.length).fill(NaN), computed: 0, nonFinite: [] };
  const levelOfPoint = new Uint8Array(grid.loss.length);
  const remaining = levels.map((level, index) => {
    let count = 0;
    for (const segment of level.segments) {
      for (const column of segment.columns) levelOfPoint[segment.row * columns + column] = index;
      count += segment.columns.length;
    }
    return count;
  });
  let nextLevel = 0;
  await runner(
    spec,
    levels.flatMap((level) => level.segments),
    (values) => {
      values.columns.forEach((column, k) => {
        const index = values.row * columns + column;
        const loss = values.loss[k];
        if (values.accuracy) grid.accuracy ??= new Float64Array(grid.loss.length).fill(NaN);
        // A model whose output is NaN must not pass for points not computed: recorded to be
        // reported, loss and accuracy (meaningless there) left null.
        if (Number.isFinite(loss)) {
          grid.loss[index] = loss;
          if (values.accuracy) grid.accuracy![index] = values.accuracy[k];
        } else grid.nonFinite!.push(index);
        remaining[levelOfPoint[index]]--;
      });
      grid.computed += values.columns.length;
      while (nextLevel < levels.length && remaining[nextLevel] === 0) {
        options.onLevel?.(subgrid(grid, levels[nextLevel].stride), levels[nextLevel].stride);
        nextLevel++;
      }
    },
    options.signal,
  );
  return grid;
}
