/**
 * A scalar field on a regular grid (a surface's grid or a 2-D landscape) turned into contour
 * bands with d3-contour: levels (linear or logarithmic), filled polygons in data coordinates
 * and the iso-lines without the grid's border, plus bilinear lookup for the hover readout.
 */
import { contours } from 'd3-contour';

/** values[j * xs.length + i] = f(xs[i], ys[j]). */
export interface Field {
  xs: number[];
  ys: number[];
  values: number[];
  /** Non-finite values are holes (f undefined there: left blank) instead of lying above every level. */
  masked?: boolean;
}

export interface Band {
  /** The band holds the points where f ≥ threshold (d3-contour's convention). */
  threshold: number;
  /** Rings in data coordinates; exterior rings and holes wind oppositely, so a non-zero fill cuts the holes. */
  rings: [number, number][][];
  /** The iso-line: polylines in data coordinates, without the segments along the grid's border. */
  lines: [number, number][][];
}

export interface FieldRange {
  min: number;
  max: number;
}

/** Smallest and largest finite value. */
export function fieldRange(values: readonly number[]): FieldRange {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : { min: 0, max: 1 };
}

/** The offset δ of the logarithmic levels: 10⁻⁴ of the range (so f − min + δ > 0). */
export function logOffset(range: FieldRange): number {
  return Math.max((range.max - range.min) * 1e-4, Number.MIN_VALUE);
}

/**
 * Contour levels: linear t_k = min + k (max − min)/n, or logarithmic (as loss-landscape plots)
 * t_k = min + δ ((max − min)/δ)^(k/n) − δ, so the levels crowd near the minimum.
 */
export function contourLevels(range: FieldRange, count: number, logarithmic: boolean): number[] {
  const span = range.max - range.min;
  if (!(span > 0)) return [range.min];
  const levels: number[] = [];
  if (!logarithmic) {
    for (let k = 0; k < count; k++) levels.push(range.min + (k * span) / count);
    return levels;
  }
  const offset = logOffset(range);
  for (let k = 0; k < count; k++) levels.push(range.min + offset * Math.pow((span + offset) / offset, k / count) - offset);
  return levels;
}

/** True when most of the field sits near its minimum (a valley, a steep bowl): logarithmic levels show it better. */
export function prefersLogLevels(values: readonly number[], range: FieldRange): boolean {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return false;
  const median = finite[Math.floor(finite.length / 2)];
  return median - range.min < (range.max - range.min) / 10;
}

/** The grid cell holding (x, y): where in it (u, v in [0, 1]) and its corner values (`at(0, 0)` … `at(1, 1)`). */
export interface GridCell {
  u: number;
  v: number;
  at: (di: 0 | 1, dj: 0 | 1) => number;
}

/** The cell of the field's grid that holds (x, y); undefined outside the grid. */
export function gridCell(field: Field, x: number, y: number): GridCell | undefined {
  const { xs, ys, values } = field;
  const nx = xs.length;
  const ny = ys.length;
  if (nx < 2 || ny < 2) return undefined;
  const gx = ((x - xs[0]) / (xs[nx - 1] - xs[0])) * (nx - 1);
  const gy = ((y - ys[0]) / (ys[ny - 1] - ys[0])) * (ny - 1);
  if (!(gx >= 0 && gx <= nx - 1 && gy >= 0 && gy <= ny - 1)) return undefined;
  const i = Math.min(Math.floor(gx), nx - 2);
  const j = Math.min(Math.floor(gy), ny - 2);
  return { u: gx - i, v: gy - j, at: (di, dj) => values[(j + dj) * nx + i + di] };
}

/** Bilinear interpolation of the field at (x, y); undefined outside the grid. */
export function fieldValueAt(field: Field, x: number, y: number): number | undefined {
  const cell = gridCell(field, x, y);
  if (!cell) return undefined;
  const { u, v, at } = cell;
  return (1 - u) * (1 - v) * at(0, 0) + u * (1 - v) * at(1, 0) + (1 - u) * v * at(0, 1) + u * v * at(1, 1);
}

/** The filled bands and iso-lines of the field at the given levels. */
export function contourBands(field: Field, levels: number[]): Band[] {
  const nx = field.xs.length;
  const ny = field.ys.length;
  if (nx < 2 || ny < 2 || field.values.length !== nx * ny) return [];
  // Below every level a point lies in no band: a masked hole. Above every level it fills the top band.
  const hole = field.masked ? fieldRange(field.values).min - 1e6 * (Math.abs(fieldRange(field.values).min) + 1) : Number.MAX_VALUE;
  const cleaned = field.values.map((value) => (Number.isFinite(value) ? value : field.masked && value !== Infinity ? hole : Number.MAX_VALUE));
  const x0 = field.xs[0];
  const y0 = field.ys[0];
  const dx = (field.xs[nx - 1] - x0) / (nx - 1);
  const dy = (field.ys[ny - 1] - y0) / (ny - 1);
  // d3-contour puts sample (i, j) at (i + 0.5, j + 0.5) and the border at 0 and n: map the centres onto the data.
  const toData = (gx: number, gy: number): [number, number] => [x0 + Math.min(Math.max(gx - 0.5, 0), nx - 1) * dx, y0 + Math.min(Math.max(gy - 0.5, 0), ny - 1) * dy];
  const onBorder = (a: number[], b: number[]): boolean =>
    (a[0] <= 0.5 && b[0] <= 0.5) || (a[0] >= nx - 0.5 && b[0] >= nx - 0.5) || (a[1] <= 0.5 && b[1] <= 0.5) || (a[1] >= ny - 0.5 && b[1] >= ny - 0.5);
  return contours()
    .size([nx, ny])
    .thresholds(levels)(cleaned)
    .map((polygon) => {
      const rings: [number, number][][] = [];
      const lines: [number, number][][] = [];
      for (const polygonRings of polygon.coordinates) {
        for (const ring of polygonRings) {
          rings.push(ring.map(([gx, gy]) => toData(gx, gy)));
          let line: [number, number][] = [];
          for (let k = 1; k < ring.length; k++) {
            if (onBorder(ring[k - 1], ring[k])) {
              if (line.length > 1) lines.push(line);
              line = [];
              continue;
            }
            if (line.length === 0) line.push(toData(ring[k - 1][0], ring[k - 1][1]));
            line.push(toData(ring[k][0], ring[k][1]));
          }
          if (line.length > 1) lines.push(line);
        }
      }
      return { threshold: polygon.value, rings, lines };
    });
}
