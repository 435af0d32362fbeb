/** Loss-landscape specifics: axis names by direction kind, and the 1-D curve (loss and accuracy along a line). */
import type { Theme } from './palette';
import type { LandscapeView } from './sections';
import { formatNumber } from './format';
import { baseOption, insideZoom, legendLayout, valueAxis, type Option } from './common';

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** The axes' names: PCA axes with their explained variance, Hessian axes with their eigenvalues (as loss-landscape labels them). */
export function landscapeAxisNames(view: LandscapeView): [string, string] {
  switch (view.directions) {
    case 'pca': {
      const variance = view.explainedVariance ?? [];
      return [`PC1${variance[0] !== undefined ? ` (${percent(variance[0])} of the path's variance)` : ''}`, `PC2${variance[1] !== undefined ? ` (${percent(variance[1])})` : ''}`];
    }
    case 'hessian': {
      const [top, bottom] = view.eigenvalues ?? [];
      return [`top eigenvector${top !== undefined ? ` (λ = ${formatNumber(top, 3)})` : ''}`, `most negative eigenvector${bottom !== undefined ? ` (λ = ${formatNumber(bottom, 3)})` : ''}`];
    }
    case 'interpolation':
      return ['α: 0 = initial weights, 1 = final weights', ''];
    default:
      return ['α (random direction 1)', 'β (random direction 2)'];
  }
}

/** The loss along a line (interpolation, one random direction), with the accuracy on a second axis; `log` for a logarithmic loss axis (only for positive losses); `width`, the chart's, lays out the legend. */
export function landscape1dOption(view: LandscapeView, theme: Theme, selected?: Record<string, boolean>, log = false, width?: number): Option {
  const [xName] = landscapeAxisNames(view);
  const series: Option[] = [
    {
      type: 'line',
      id: 'line-loss',
      name: 'loss',
      yAxisIndex: 0,
      showSymbol: view.alphas.length <= 60,
      symbolSize: 4,
      data: view.alphas.map((alpha, index) => [alpha, Number.isFinite(view.loss[index]) ? view.loss[index] : null]),
      lineStyle: { width: 2, color: theme.series[1] },
      itemStyle: { color: theme.series[1] },
      emphasis: { disabled: true },
      markLine:
        view.directions === 'interpolation'
          ? { symbol: 'none', silent: true, lineStyle: { color: theme.mutedForeground, type: 'dashed' }, label: { color: theme.mutedForeground, formatter: (params: { value: number }) => (params.value === 0 ? 'initial' : 'final') }, data: [{ xAxis: 0 }, { xAxis: 1 }] }
          : undefined,
    },
  ];
  const path = view.trajectory;
  if (path?.loss) {
    const losses = path.loss;
    series.push({
      type: 'scatter',
      id: 'path-loss',
      name: 'training path (projected)',
      yAxisIndex: 0,
      symbolSize: 7,
      z: 3, // over the line it lies on
      data: path.alpha.map((alpha, t) => [alpha, losses[t] ?? null]),
      itemStyle: { color: theme.series[0] },
      emphasis: { disabled: true },
    });
  }
  if (view.accuracy) {
    const accuracy = view.accuracy;
    series.push({ type: 'line', id: 'line-accuracy', name: 'accuracy', yAxisIndex: 1, showSymbol: false, data: view.alphas.map((alpha, index) => [alpha, Number.isFinite(accuracy[index]) ? accuracy[index] : null]), lineStyle: { width: 1.6, type: 'dashed', color: theme.series[3] }, itemStyle: { color: theme.series[3] }, emphasis: { disabled: true } });
  }
  const legend = legendLayout(theme, ['loss', ...(path?.loss ? ['training path (projected)'] : []), ...(view.accuracy ? ['accuracy'] : [])], width, selected);
  return {
    ...baseOption(theme),
    legend: legend.option,
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', valueFormatter: (value: number) => formatNumber(value) },
    grid: { left: 64, right: view.accuracy ? 56 : 20, top: legend.height + 16, bottom: 48 },
    xAxis: valueAxis(theme, xName, { min: 'dataMin', max: 'dataMax' }, view.alphas),
    yAxis: [valueAxis(theme, log ? 'loss (log)' : 'loss', { nameGap: 48, ...(log ? { type: 'log', scale: false } : {}) }, [...view.loss, ...(path?.loss ?? [])]), valueAxis(theme, 'accuracy', { min: 0, max: 1, scale: false, splitLine: { show: false }, nameGap: 40, axisLabel: { color: theme.mutedForeground, formatter: (value: number) => percent(value) } })],
    dataZoom: insideZoom([0]),
    series,
  };
}
