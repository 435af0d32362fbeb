import type { Domain } from './catalog';

/** Where f is not a finite number on a grid over the domain. */
export interface NonFiniteCells {
  /** Grid points where f is NaN or ±Infinity. */
  count: number;
  /** Grid points checked (resolution²). */
  total: number;
  /** The first such point and f there, x varying fastest from the lower-left corner. */
  example?: { point: [number, number]; value: number };
}

/** The grid points xᵢ = x_min + i·(x_max − x_min)/(n − 1) (likewise y) where f(xᵢ, yⱼ) is not finite. */
export function nonFiniteCells(value: (x: number, y: number) => number, domain: Domain, resolution: number): NonFiniteCells {
  const [[xMin, xMax], [yMin, yMax]] = domain;
  const cells: NonFiniteCells = { count: 0, total: resolution * resolution };
  for (let j = 0; j < resolution; j++) {
    const y = yMin + (j * (yMax - yMin)) / (resolution - 1);
    for (let i = 0; i < resolution; i++) {
      const x = xMin + (i * (xMax - xMin)) / (resolution - 1);
      const f = value(x, y);
      if (Number.isFinite(f)) continue;
      cells.count++;
      cells.example ??= { point: [x, y], value: f };
    }
  }
  return cells;
}

/** "f(0, -1) = NaN": a point and the value there, for messages. */
function describeExample(cells: NonFiniteCells): string {
  if (!cells.example) return '';
  const [x, y] = cells.example.point.map((v) => Number(v.toPrecision(4)));
  return `, e.g. f(${x}, ${y}) = ${cells.example.value}`;
}

/** The message for an expression that is finite nowhere on its domain, or undefined when it is finite somewhere. */
export function nowhereFiniteMessage(cells: NonFiniteCells, domain: Domain): string | undefined {
  if (cells.count < cells.total) return undefined;
  return `the expression is not a finite number anywhere on the domain ${JSON.stringify(domain)} (all ${cells.total} grid points${describeExample(cells)}): change the formula or the domain`;
}

/** The warning for an expression that is not finite on part of its domain, or undefined when it is finite everywhere on the grid. */
export function partlyFiniteMessage(cells: NonFiniteCells): string | undefined {
  if (cells.count === 0 || cells.count >= cells.total) return undefined;
  return `the expression is not finite at ${cells.count} of ${cells.total} grid points of the domain${describeExample(cells)}: the contour plot leaves them blank, and a trajectory that steps there stops as "undefined"`;
}
