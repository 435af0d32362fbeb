import type { Objective } from '../objective';
import type { GridResult } from '../../shared/results';

/** f on an n×n grid over the domain: values[j·n + i] = f(xᵢ, yⱼ), xᵢ = x_min + i·(x_max − x_min)/(n − 1); null where f is not finite (the plot masks it). */
export function evaluateGrid(objective: Objective, domain: [[number, number], [number, number]], resolution: number): GridResult {
  const [[xMin, xMax], [yMin, yMax]] = domain;
  const xs = Array.from({ length: resolution }, (_, i) => xMin + (i * (xMax - xMin)) / (resolution - 1));
  const ys = Array.from({ length: resolution }, (_, j) => yMin + (j * (yMax - yMin)) / (resolution - 1));
  const values = new Array<number | null>(resolution * resolution);
  const point = new Float64Array(2);
  for (let j = 0; j < resolution; j++) {
    point[1] = ys[j];
    for (let i = 0; i < resolution; i++) {
      point[0] = xs[i];
      const value = objective.value(point);
      values[j * resolution + i] = Number.isFinite(value) ? value : null;
    }
  }
  return { xs, ys, values };
}
