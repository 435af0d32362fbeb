/** The loss-landscape page: 2-D contour and 3-D surface with the projected path, or the 1-D curve. */
import type { ExperimentResults } from '../../src/shared/results';
import type { CardSpec } from '../widgets/card';
import { contourOption, type Overlay } from '../charts/contour';
import { fieldValueAt, type Field } from '../charts/field';
import { surfaceHint, surfaceOption } from '../charts/surface3d';
import { landscape1dOption, landscapeAxisNames } from '../charts/landscape';
import { landscapeOf } from '../charts/sections';
import { formatNumber, toCsv } from '../charts/format';
import { fieldCsv, logLevels, singleRunLogAxis, type Page, type PageContext } from './common';
import { cameraCommands } from './surface';

/** The landscape page, or undefined without a landscape section. */
export function landscapePage(results: ExperimentResults, context: PageContext): Page | undefined {
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
      ? [{ label: 'training path (projected)', points: path, values: path.map(([alpha, beta], k) => trajectory.loss?.[k] ?? fieldValueAt(field, alpha, beta) ?? NaN), notes: trajectory.residual?.map((residual) => `off the plane: ${(residual * 100).toFixed(1)}% of its distance from the centre (α = β = 0)`) }]
      : [];
    cards.push({
      id: 'landscape',
      title: `Loss landscape${partial}`,
      shape: 'square',
      option: (size) =>
        contourOption({ field, xName, yName, logLevels: logLevels(context, field), levelCount: 24, overlays, step: Number.MAX_SAFE_INTEGER, legendSelected: context.state.view.legend.landscape, narrow: context.narrow, size, valueName: 'loss' }, context.theme),
      csv: () => fieldCsv(field, ['alpha', 'beta', 'loss']),
      json,
      readout: ([alpha, beta]) => {
        const value = fieldValueAt(field, alpha, beta);
        if (value === undefined) return undefined;
        const correct = accuracy && fieldValueAt(accuracy, alpha, beta);
        return `α ${formatNumber(alpha)}   β ${formatNumber(beta)}   loss ${formatNumber(value)}${correct !== undefined && correct !== null ? `   accuracy ${(correct * 100).toFixed(1)}%` : ''}`;
      },
      hint: 'Hover for the loss under the pointer · wheel to zoom, drag to pan',
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
      hint: surfaceHint(overlays, field),
      commands: cameraCommands(),
      onLegend: (selected) => context.onLegend('landscape3d', selected),
    });
  } else {
    const scale = singleRunLogAxis(context, 'landscape-1d', landscape.loss);
    cards.push({
      id: 'landscape-1d',
      title: `${landscape.directions === 'interpolation' ? 'Loss from the initial to the final weights' : 'Loss along the direction'}${partial}`,
      option: (size) => landscape1dOption(landscape, context.theme, context.state.view.legend['landscape-1d'], scale.log, size.width),
      csv: () => toCsv(['alpha', 'loss', 'accuracy'], landscape.alphas.map((alpha, index) => [alpha, landscape.loss[index], landscape.accuracy?.[index]])),
      json,
      onLegend: (selected) => context.onLegend('landscape-1d', selected),
      logScales: [scale],
    });
  }
  return { id: 'landscape', title: 'Landscape', replay: false, cards };
}
