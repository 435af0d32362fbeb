/**
 * Which charts a result holds, grouped into pages (tabs): the surface race, training, Hessian
 * and landscape. Each chart is a CardSpec built from the current state and theme.
 */
import type { ExperimentResults } from '../src/protocol';
import type { TrajectoryResult } from './result-types';
import type { CardSpec } from './card';
import type { AppState } from './state';
import type { Theme } from './palette';
import { contourOption, type Overlay } from './charts/contour';
import { fieldValueAt, fieldRange, prefersLogLevels, type Field } from './charts/field';
import { surfaceOption } from './charts/surface3d';
import { raceCurvesOption, raceRows } from './charts/race-curves';
import { trainingOption, trainingRows } from './charts/training';
import { densityOption, layersOption, slicesOption, spectrumHistoryOption, spectrumOption, spectrumValues } from './charts/hessian';
import { hessianOf, landscapeOf, trainingOf, type Slice } from './sections';
import { landscape1dOption, landscapeAxisNames } from './charts/landscape';
import { formatNumber, toCsv } from './format';

export interface Page {
  id: 'surface' | 'training' | 'hessian' | 'landscape';
  title: string;
  /** The page has trajectories to replay. */
  replay: boolean;
  cards: CardSpec[];
}

/** What the page builders need besides the state: layout and the actions a chart can trigger. */
export interface PageContext {
  state: AppState;
  theme: Theme;
  narrow: boolean;
  step: number;
  pendingStart?: [number, number];
  onStart: (point: [number, number]) => void;
  onLegend: (chartId: string, selected: Record<string, boolean>) => void;
}

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
    diverged: trajectory.status.startsWith('diverged'),
  }));
}

function logLevels(context: PageContext, field: Field): boolean {
  return context.state.view.logLevels ?? prefersLogLevels(field.values, fieldRange(field.values));
}

/** The field's value range widened by a tenth on each side. */
function paddedRange(values: number[]): { min: number; max: number } {
  const range = fieldRange(values);
  const pad = (range.max - range.min) * 0.1;
  return { min: range.min - pad, max: range.max + pad };
}

function fieldCsv(field: Field, names: [string, string, string]): string {
  const rows: number[][] = [];
  field.ys.forEach((y, j) => field.xs.forEach((x, i) => rows.push([x, y, field.values[j * field.xs.length + i]])));
  return toCsv(names, rows);
}

function surfacePage(results: ExperimentResults, context: PageContext): Page | undefined {
  const { theme, narrow, step } = context;
  const trajectories = results.trajectories ?? [];
  const surface = results.surface;
  if (!surface && trajectories.length === 0) return undefined;
  const overlays = overlaysOf(trajectories);
  const legend = context.state.view.legend;
  const cards: CardSpec[] = [];
  if (surface) {
    const field: Field = surface.grid;
    cards.push({
      id: 'contour',
      title: `${surface.name}: ${surface.formula}`,
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
      onLegend: (selected) => context.onLegend('contour', selected),
    });
    cards.push({
      id: 'surface3d',
      title: '3-D surface',
      webgl: true,
      shape: 'square',
      option: () => surfaceOption({ field, xName: 'x', yName: 'y', zName: 'f', overlays, step, legendSelected: legend.surface3d }, theme),
      csv: () => fieldCsv(field, ['x', 'y', 'value']),
      json: () => ({ surface, trajectories }),
      onLegend: (selected) => context.onLegend('surface3d', selected),
    });
  }
  if (trajectories.length > 0) {
    cards.push({
      id: 'race',
      title: 'Objective and gradient norm by step',
      shape: 'tall',
      option: () => raceCurvesOption(trajectories, step, theme, legend.race, surface ? paddedRange(surface.grid.values) : undefined),
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

function trainingPage(results: ExperimentResults, context: PageContext): Page | undefined {
  const training = trainingOf(results);
  if (!training || training.history.length === 0) return undefined;
  const hessian = hessianOf(results);
  const cards: CardSpec[] = [
    {
      id: 'training',
      title: `Training curves · ${training.status}`,
      shape: 'tall',
      option: (size) => trainingOption(training, context.theme, context.narrow, size, context.state.view.legend.training),
      csv: () => {
        const { header, rows } = trainingRows(training);
        return toCsv(header, rows);
      },
      json: () => (results as unknown as Record<string, unknown>).training,
      onLegend: (selected) => context.onLegend('training', selected),
    },
  ];
  if (hessian && hessian.history.length > 0) cards.push(spectrumHistoryCard(hessian.history, context));
  return { id: 'training', title: 'Training', replay: false, cards };
}

function spectrumHistoryCard(history: NonNullable<ReturnType<typeof hessianOf>>['history'], context: PageContext): CardSpec {
  return {
    id: 'spectrum-history',
    title: 'Hessian extremes over training',
    option: () => spectrumHistoryOption(history, context.theme, context.state.view.legend['spectrum-history']),
    csv: () => toCsv(['epoch', 'lambdaMax', 'lambdaMin', 'negativeCount', 'classification'], history.map((record) => [record.epoch, record.top, record.bottom, record.negativeCount, record.classification])),
    json: () => history,
    onLegend: (selected) => context.onLegend('spectrum-history', selected),
  };
}

function slicesCard(id: string, title: string, slices: Slice[], xName: string, context: PageContext): CardSpec {
  return {
    id,
    title,
    option: () => slicesOption(slices, xName, context.theme, context.state.view.legend[id]),
    csv: () => toCsv(['slice', 'step', 'loss', 'accuracy'], slices.flatMap((slice) => slice.steps.map((step, k) => [slice.label, step, slice.loss[k], slice.accuracy?.[k]]))),
    json: () => slices,
    onLegend: (selected) => context.onLegend(id, selected),
  };
}

function hessianPage(results: ExperimentResults, context: PageContext): Page | undefined {
  const hessian = hessianOf(results);
  if (!hessian) return undefined;
  const cards: CardSpec[] = [];
  const values = spectrumValues(hessian);
  if (values.length > 0) {
    cards.push({
      id: 'spectrum',
      title: hessian.eigenvalues.length > 0 ? 'Hessian spectrum' : 'Extreme eigenvalues',
      option: () => spectrumOption(hessian, context.theme),
      csv: () => toCsv(['index', 'eigenvalue'], values.map((value, index) => [index, value])),
      json: () => ({ eigenvalues: hessian.eigenvalues, top: hessian.top, bottom: hessian.bottom, trace: hessian.trace, classification: hessian.classification }),
    });
  }
  const density = hessian.density;
  if (density) {
    cards.push({
      id: 'density',
      title: 'Spectral density (stochastic Lanczos quadrature)',
      option: () => densityOption(density, context.theme),
      csv: () => toCsv(['eigenvalue', 'density'], density.grid.map((lambda, index) => [lambda, density.values[index]])),
      json: () => density,
    });
  }
  if (hessian.slices.length > 0) cards.push(slicesCard('eigen-slices', 'Loss along eigenvectors', hessian.slices, 'step along the direction', context));
  if (hessian.layers.length > 0) {
    cards.push({
      id: 'layers',
      title: 'Per-layer extremes',
      option: () => layersOption(hessian.layers, context.theme, context.state.view.legend.layers),
      csv: () => toCsv(['layer', 'lambdaMax', 'lambdaMin', 'trace'], hessian.layers.map((layer) => [layer.name, layer.top, layer.bottom, layer.trace])),
      json: () => hessian.layers,
      onLegend: (selected) => context.onLegend('layers', selected),
    });
  }
  if (hessian.history.length > 0 && !trainingOf(results)) cards.push(spectrumHistoryCard(hessian.history, context));
  return cards.length > 0 ? { id: 'hessian', title: 'Hessian', replay: false, cards } : undefined;
}

function landscapePage(results: ExperimentResults, context: PageContext): Page | undefined {
  const landscape = landscapeOf(results);
  if (!landscape || landscape.alphas.length < 2) return undefined;
  const cards: CardSpec[] = [];
  const [xName, yName] = landscapeAxisNames(landscape);
  const json = (): unknown => (results as unknown as Record<string, unknown>).landscape;
  const partial = landscape.stride > 1 ? ` (refining: every ${landscape.stride}th point)` : landscape.complete ? '' : ' (partial)';
  if (landscape.betas.length >= 2 && landscape.loss.length === landscape.alphas.length * landscape.betas.length) {
    const field: Field = { xs: landscape.alphas, ys: landscape.betas, values: landscape.loss };
    const accuracy = landscape.accuracy && landscape.accuracy.length === field.values.length ? { ...field, values: landscape.accuracy } : undefined;
    const trajectory = landscape.trajectory;
    const path = trajectory?.alpha.map((alpha, k) => [alpha, trajectory.beta[k]]) ?? [];
    const overlays: Overlay[] = trajectory
      ? [{ label: 'training path (projected)', points: path, values: path.map(([alpha, beta]) => fieldValueAt(field, alpha, beta) ?? NaN), notes: trajectory.residual?.map((residual) => `off the plane: ${(residual * 100).toFixed(1)}% of the step`) }]
      : [];
    cards.push({
      id: 'landscape',
      title: `Loss landscape${partial}`,
      shape: 'square',
      option: (size) =>
        contourOption({ field, xName, yName, logLevels: logLevels(context, field), levelCount: 24, overlays, step: Number.MAX_SAFE_INTEGER, legendSelected: context.state.view.legend.landscape, narrow: context.narrow, size }, context.theme),
      csv: () => fieldCsv(field, ['alpha', 'beta', 'loss']),
      json,
      readout: ([alpha, beta]) => {
        const value = fieldValueAt(field, alpha, beta);
        if (value === undefined) return undefined;
        const correct = accuracy && fieldValueAt(accuracy, alpha, beta);
        return `α ${formatNumber(alpha)}   β ${formatNumber(beta)}   loss ${formatNumber(value)}${correct !== undefined && correct !== null ? `   accuracy ${(correct * 100).toFixed(1)}%` : ''}`;
      },
      onLegend: (selected) => context.onLegend('landscape', selected),
    });
    cards.push({
      id: 'landscape3d',
      title: 'Loss landscape, 3-D',
      webgl: true,
      shape: 'square',
      option: () => surfaceOption({ field, xName: xName.split(' (')[0], yName: yName.split(' (')[0], zName: 'loss', overlays, step: Number.MAX_SAFE_INTEGER, legendSelected: context.state.view.legend.landscape3d }, context.theme),
      csv: () => fieldCsv(field, ['alpha', 'beta', 'loss']),
      json,
      onLegend: (selected) => context.onLegend('landscape3d', selected),
    });
  } else {
    cards.push({
      id: 'landscape-1d',
      title: `${landscape.directions === 'interpolation' ? 'Loss from the initial to the final weights' : 'Loss along the direction'}${partial}`,
      option: () => landscape1dOption(landscape, context.theme, context.state.view.legend['landscape-1d']),
      csv: () => toCsv(['alpha', 'loss', 'accuracy'], landscape.alphas.map((alpha, index) => [alpha, landscape.loss[index], landscape.accuracy?.[index]])),
      json,
      onLegend: (selected) => context.onLegend('landscape-1d', selected),
    });
  }
  return { id: 'landscape', title: 'Landscape', replay: false, cards };
}

/** The pages the results hold, in tab order. */
export function pagesOf(context: PageContext): Page[] {
  const results = context.state.results;
  if (!results) return [];
  return [surfacePage(results, context), trainingPage(results, context), hessianPage(results, context), landscapePage(results, context)].filter((page): page is Page => page !== undefined);
}
