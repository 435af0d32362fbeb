/** The training and Hessian pages. */
import type { ExperimentResults } from '../../src/shared/results';
import type { CardSpec, CardToggle } from '../widgets/card';
import { trainingAxisValues, trainingOption, trainingRows } from '../charts/training';
import { densityOption, densityShown, layersOption, spectrumAxisValues, spectrumHistoryOption, spectrumOption, spectrumValues } from '../charts/hessian';
import { hessianOf, trainingOf } from '../charts/sections';
import { toCsv } from '../charts/format';
import { singleRunLogAxis, slicesCard, toggled, type Page, type PageContext } from './common';

/**
 * The "Ignore outliers" toggle of a chart of curves (TensorBoard's option): off by default, and
 * remembered per chart. On, each y axis spans the bulk of its values (robustRange) and what lies
 * beyond is clipped at the frame, marked by a triangle.
 */
export function ignoreOutliersToggle(context: PageContext, chartId: string): CardToggle {
  return {
    key: 'robust',
    label: 'Ignore outliers',
    pressed: toggled(context, chartId, 'robust'),
    title: 'Scale each y axis to the bulk of its values: a spike is clipped at the frame, marked by a triangle, and the tooltip keeps its value',
    onToggle: (pressed) => context.onToggle(chartId, 'robust', pressed),
  };
}

/** The training page, or undefined without a training history. */
export function trainingPage(results: ExperimentResults, context: PageContext): Page | undefined {
  const training = trainingOf(results);
  if (!training || training.history.length === 0) return undefined;
  const hessian = hessianOf(results);
  const axes = trainingAxisValues(training);
  const lossScale = singleRunLogAxis(context, 'training-loss', axes.loss, 'loss');
  const gradientScale = singleRunLogAxis(context, 'training-gradient', axes.gradient, '‖gradient‖');
  const cards: CardSpec[] = [
    {
      id: 'training',
      title: `Training curves · ${training.status}`,
      shape: 'tall',
      option: (size) => trainingOption(training, context.theme, context.narrow, size, context.state.view.legend.training, { loss: lossScale.log, gradient: gradientScale.log }, { robust: toggled(context, 'training', 'robust') }),
      csv: () => {
        const { header, rows } = trainingRows(training);
        return toCsv(header, rows);
      },
      json: () => (results as unknown as Record<string, unknown>).training,
      onLegend: (selected) => context.onLegend('training', selected),
      logScales: [lossScale, ...(axes.gradient.some((value) => value !== undefined) ? [gradientScale] : [])],
      toggles: [ignoreOutliersToggle(context, 'training')],
    },
  ];
  if (hessian && hessian.history.length > 0) cards.push(spectrumHistoryCard(hessian.history, context));
  return { id: 'training', title: 'Training', replay: false, cards };
}

function spectrumHistoryCard(history: NonNullable<ReturnType<typeof hessianOf>>['history'], context: PageContext): CardSpec {
  return {
    id: 'spectrum-history',
    title: 'Hessian extremes over training',
    option: (size) => spectrumHistoryOption(history, context.theme, context.state.view.legend['spectrum-history'], size.width),
    csv: () => toCsv(['epoch', 'lambdaMax', 'lambdaMin', 'negativeCount', 'classification'], history.map((record) => [record.epoch, record.top, record.bottom, record.negativeCount, record.classification])),
    json: () => history,
    onLegend: (selected) => context.onLegend('spectrum-history', selected),
  };
}

/** The Hessian page, or undefined without a Hessian section. */
export function hessianPage(results: ExperimentResults, context: PageContext): Page | undefined {
  const hessian = hessianOf(results);
  if (!hessian) return undefined;
  const cards: CardSpec[] = [];
  const values = spectrumValues(hessian);
  if (values.length > 0) {
    const scale = singleRunLogAxis(context, 'spectrum', spectrumAxisValues(hessian));
    cards.push({
      id: 'spectrum',
      title: hessian.eigenvalues.length > 0 ? 'Hessian spectrum' : 'Extreme eigenvalues',
      hint: results.hessian?.trace ? (results.hessian.trace.method === 'hutch++' ? `trace by Hutch++ (${results.hessian.trace.probes} Hessian-vector products, sketch ${results.hessian.trace.sketch})` : `trace by Hutchinson (${results.hessian.trace.probes} probes)`) : undefined,
      option: () => spectrumOption(hessian, context.theme, scale.log),
      csv: () => toCsv(['index', 'eigenvalue'], values.map((value, index) => [index, value])),
      json: () => ({ eigenvalues: hessian.eigenvalues, top: hessian.top, bottom: hessian.bottom, trace: hessian.trace, classification: hessian.classification }),
      logScales: [scale],
    });
  }
  const density = hessian.density;
  if (density) {
    const scale = singleRunLogAxis(context, 'density', densityShown(density));
    cards.push({
      id: 'density',
      title: 'Spectral density (stochastic Lanczos quadrature)',
      option: () => densityOption(density, context.theme, scale.log),
      csv: () => toCsv(['eigenvalue', 'density'], density.grid.map((lambda, index) => [lambda, density.values[index]])),
      json: () => density,
      logScales: [scale],
    });
  }
  if (hessian.slices.length > 0) cards.push(slicesCard('eigen-slices', 'Loss along eigenvectors', hessian.slices, 'step along the direction', context));
  if (hessian.layers.length > 0) {
    cards.push({
      id: 'layers',
      title: 'Per-layer extremes',
      option: (size) => layersOption(hessian.layers, context.theme, context.state.view.legend.layers, size.width),
      csv: () => toCsv(['layer', 'lambdaMax', 'lambdaMin', 'trace'], hessian.layers.map((layer) => [layer.name, layer.top, layer.bottom, layer.trace])),
      json: () => hessian.layers,
      onLegend: (selected) => context.onLegend('layers', selected),
    });
  }
  if (hessian.history.length > 0 && !trainingOf(results)) cards.push(spectrumHistoryCard(hessian.history, context));
  return cards.length > 0 ? { id: 'hessian', title: 'Hessian', replay: false, cards } : undefined;
}
