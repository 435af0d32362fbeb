/** The surface race page: contour with trajectories and critical points, the 3-D surface, the race over steps. */
import type { ExperimentResults } from '../../src/shared/results';
import type { TrajectoryResult } from '../charts/result-types';
import type { CardCommand, CardSpec } from '../widgets/card';
import { contourOption, type Overlay } from '../charts/contour';
import { fieldValueAt, type Field } from '../charts/field';
import { CAMERA_PRESETS, cameraOption, surfaceHint, surfaceOption } from '../charts/surface3d';
import { raceCurvesOption, raceRows } from '../charts/race-curves';
import { formatNumber, toCsv } from '../charts/format';
import { fieldCsv, logLevels, paddedRange, surfaceTitle, type Page, type PageContext } from './common';

/** Each trajectory as a path over the contour, with its gradient norm, learning rate and curvature in the tooltip. */
function overlaysOf(trajectories: TrajectoryResult[]): Overlay[] {
  return trajectories.map((trajectory) => ({
    label: trajectory.label,
    points: trajectory.points,
    values: trajectory.values,
    notes: trajectory.points.map((_, step) => {
      const eigenvalues = trajectory.hessianEigenvalues?.[step];
      const curvature = eigenvalues ? `\nHessian eigenvalues ${eigenvalues.map((lambda) => formatNumber(lambda, 3)).join(', ')}` : '';
      return `‖gradient‖ ${formatNumber(trajectory.gradientNorms[step])}   lr ${formatNumber(trajectory.learningRates[step] ?? NaN)}${curvature}`;
    }),
    status: trajectory.status,
    diverged: trajectory.status.startsWith('diverged') || trajectory.status.startsWith('undefined'),
  }));
}

/**
 * The camera buttons of a 3-D chart: the presets and the reset, each moving the camera of the
 * chart as drawn (its data stay); streamed updates keep whatever view the user left.
 */
export function cameraCommands(): CardCommand[] {
  return CAMERA_PRESETS.map((preset) => ({ key: preset.key, label: preset.label, title: preset.title, run: (chart) => void chart.setOption(cameraOption(preset.view)) }));
}

/** The page of a surface race, or undefined when the results hold none. */
export function surfacePage(results: ExperimentResults, context: PageContext): Page | undefined {
  const { theme, narrow, step } = context;
  const trajectories = results.trajectories ?? [];
  const surface = results.surface;
  if (!surface && trajectories.length === 0) return undefined;
  const overlays = overlaysOf(trajectories);
  const legend = context.state.view.legend;
  const cards: CardSpec[] = [];
  if (surface) {
    const field = surfaceField(surface.grid);
    cards.push({
      id: 'contour',
      title: surfaceTitle(surface),
      shape: 'square',
      option: (size) =>
        contourOption(
          { field, xName: 'x', yName: 'y', logLevels: logLevels(context, field), levelCount: 24, overlays, criticalPoints: results.criticalPoints, step, pendingStart: context.pendingStart, legendSelected: legend.contour, narrow, size },
          theme,
        ),
      csv: () => fieldCsv(field, ['x', 'y', 'value']),
      json: () => ({ surface, trajectories, criticalPoints: results.criticalPoints }),
      onPlotClick: context.onStart,
      readout: ([x, y]) => {
        const value = fieldValueAt(field, x, y);
        return value === undefined ? undefined : `x ${formatNumber(x)}   y ${formatNumber(y)}   f ${formatNumber(value)}   · click to restart the race here`;
      },
      hint: 'Click the plot (or type a start above) to restart the race from there · wheel to zoom, drag to pan',
      onLegend: (selected) => context.onLegend('contour', selected),
    });
    cards.push({
      id: 'surface3d',
      title: '3-D surface',
      webgl: true,
      shape: 'square',
      option: () => surfaceOption({ field, xName: 'x', yName: 'y', zName: 'f', overlays, step, criticalPoints: results.criticalPoints, legendSelected: legend.surface3d }, theme),
      csv: () => fieldCsv(field, ['x', 'y', 'value']),
      json: () => ({ surface, trajectories }),
      hint: surfaceHint(overlays, field),
      commands: cameraCommands(),
      onLegend: (selected) => context.onLegend('surface3d', selected),
    });
  }
  if (trajectories.length > 0) {
    cards.push({
      id: 'race',
      title: 'Objective and gradient norm by step',
      shape: 'tall',
      option: (size) => raceCurvesOption(trajectories, step, theme, legend.race, surface ? paddedRange(surfaceField(surface.grid).values) : undefined, size),
      csv: () => {
        const { header, rows } = raceRows(trajectories);
        return toCsv(header, rows);
      },
      json: () => trajectories,
      onLegend: (selected) => context.onLegend('race', selected),
    });
  }
  return { id: 'surface', title: 'Surface race', replay: trajectories.length > 0, cards };
}

const fields = new WeakMap<object, Field>();

/** A surface's grid as a masked field (null, where f is not finite, as NaN: a hole in the plot), one per grid so the contour bands stay cached. */
export function surfaceField(grid: NonNullable<ExperimentResults['surface']>['grid']): Field {
  let field = fields.get(grid.values);
  if (!field) {
    field = { xs: grid.xs, ys: grid.ys, values: grid.values.map((value) => value ?? NaN), masked: true };
    fields.set(grid.values, field);
  }
  return field;
}
