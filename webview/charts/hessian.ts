/**
 * Hessian charts: the spectrum (a stem plot of every eigenvalue, or a histogram when there are
 * many), the SLQ spectral density on a log axis, λmax / λmin / the negative count over
 * training, and the loss along eigenvector slices.
 */
import type { Theme } from './palette';
import type { HessianView, Slice, SpectrumRecord } from './sections';
import { formatNumber } from './format';
import { baseOption, insideZoom, legendLayout, valueAxis, type Option } from './common';

const STEM_LIMIT = 80;
/** A bin this small beside the tallest (a few pixels high) gets its eigenvalues marked: isolated eigenvalues, often the top of the spectrum. */
const ISOLATED_SHARE = 0.03;

/** The eigenvalues of the histogram's bins too small to see beside its tallest, each with its bin's count. */
export function isolatedEigenvalues(values: number[], bins: ReturnType<typeof histogram>): { value: number; count: number }[] {
  const tallest = Math.max(...bins.counts);
  const min = Math.min(...values);
  const binOf = (value: number): number => Math.min(bins.counts.length - 1, Math.max(0, Math.floor((value - min) / bins.width)));
  return values.map((value) => ({ value, count: bins.counts[binOf(value)] })).filter((entry) => entry.count > 0 && entry.count < tallest * ISOLATED_SHARE);
}

/** Equal-width bins over [min, max]: counts and bin centres. */
export function histogram(values: number[], binCount: number): { centres: number[]; counts: number[]; width: number } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = max > min ? (max - min) / binCount : 1;
  const counts = new Array<number>(binCount).fill(0);
  for (const value of values) counts[Math.min(binCount - 1, Math.floor((value - min) / width))]++;
  return { centres: counts.map((_, index) => min + (index + 0.5) * width), counts, width };
}

/** The eigenvalues to show: the full spectrum, else the computed extremes. */
export function spectrumValues(hessian: HessianView): number[] {
  if (hessian.eigenvalues.length > 0) return hessian.eigenvalues;
  return [...new Set([...hessian.bottom, ...hessian.top])].sort((a, b) => a - b);
}

/** The histogram's bins when the spectrum has too many eigenvalues for a stem plot. */
function spectrumBins(values: number[]): ReturnType<typeof histogram> | undefined {
  return values.length <= STEM_LIMIT ? undefined : histogram(values, Math.min(60, Math.ceil(Math.sqrt(values.length)) + 10));
}

/** What the spectrum's y axis shows: the eigenvalues of a stem plot, or the histogram's non-empty counts (empty bins draw nothing on either axis). */
export function spectrumAxisValues(hessian: HessianView): number[] {
  const values = spectrumValues(hessian);
  const bins = spectrumBins(values);
  return bins ? bins.counts.filter((count) => count > 0) : values;
}

/** Stem plot (few eigenvalues) or histogram (many); negative eigenvalues in the saddle colour; `log` for a logarithmic y axis (only for positive values). */
export function spectrumOption(hessian: HessianView, theme: Theme, log = false): Option {
  const values = spectrumValues(hessian);
  const negative = theme.critical.saddle;
  const positive = theme.series[1];
  const subtitle = [
    hessian.classification ? `classification: ${hessian.classification}` : '',
    hessian.trace !== undefined ? `trace ≈ ${formatNumber(hessian.trace)}` : '',
    hessian.negativeCount !== undefined ? `${hessian.negativeCount} negative beyond tolerance, of ${values.length}` : `${values.filter((value) => value < 0).length} negative of ${values.length}`,
  ].filter(Boolean).join('   ');
  const title = { text: subtitle, left: 8, top: 0, textStyle: { color: theme.mutedForeground, fontSize: theme.fontSize - 1, fontWeight: 'normal' } };
  if (values.length <= STEM_LIMIT) {
    return {
      ...baseOption(theme),
      title,
      tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'item', formatter: (params: { data: number[] }) => `λ${params.data[0] + 1} = ${formatNumber(params.data[1])}` },
      grid: { left: 64, right: 20, top: 36, bottom: 44 },
      xAxis: valueAxis(theme, 'index (ascending)', { min: -0.5, max: values.length - 0.5, scale: false, minInterval: 1 }),
      yAxis: valueAxis(theme, log ? 'eigenvalue (log)' : 'eigenvalue', { nameGap: 48, ...(log ? { type: 'log', scale: false } : {}) }, [...values, ...(log ? [] : [0])]),
      dataZoom: insideZoom([0], [0]),
      series: [
        {
          type: 'bar',
          id: 'stems',
          name: 'eigenvalues',
          barWidth: 2,
          data: values.map((value, index) => ({ value: [index, value], itemStyle: { color: value < 0 ? negative : positive } })),
        },
        {
          type: 'scatter',
          id: 'heads',
          name: 'eigenvalues',
          symbolSize: 7,
          data: values.map((value, index) => ({ value: [index, value], itemStyle: { color: value < 0 ? negative : positive } })),
        },
      ],
    };
  }
  const bins = spectrumBins(values) ?? histogram(values, 1);
  // On a log axis empty bins are gaps and the rug sits at the axis' floor, half a count.
  const floor = log ? 0.5 : 0;
  const isolated = isolatedEigenvalues(values, bins);
  return {
    ...baseOption(theme),
    title,
    tooltip: {
      ...(baseOption(theme).tooltip as Option),
      trigger: 'item',
      formatter: (params: { seriesId?: string; data: { value: number[] } }) =>
        params.seriesId === 'isolated' ? `λ = ${formatNumber(params.data.value[0])}: isolated, ${params.data.value[1]} in its bin` : `${params.data.value[1]} eigenvalues near ${formatNumber(params.data.value[0])}`,
    },
    grid: { left: 64, right: 20, top: 36, bottom: 44 },
    xAxis: valueAxis(theme, 'eigenvalue', {}, values),
    yAxis: valueAxis(theme, log ? 'count (log)' : 'count', { min: floor, scale: false, nameGap: 40, ...(log ? { type: 'log' } : { minInterval: 1 }) }),
    dataZoom: insideZoom([0]),
    series: [
      { type: 'bar', id: 'histogram', name: 'eigenvalues', barCategoryGap: 0, barWidth: '90%', data: bins.centres.map((centre, index) => ({ value: [centre, log && bins.counts[index] === 0 ? null : bins.counts[index]], itemStyle: { color: centre < 0 ? negative : positive } })) },
      // A rug of every eigenvalue under the bars: single outliers (the top of the spectrum) stay visible.
      {
        type: 'scatter',
        id: 'rug',
        name: 'eigenvalues',
        symbol: 'rect',
        symbolSize: [2, 10],
        silent: true,
        data: values.map((value) => ({ value: [value, floor], itemStyle: { color: value < 0 ? negative : positive } })),
      },
      // Eigenvalues whose bar is a few pixels high (the spectrum's outliers): a diamond on top of
      // their bar, in a colour no series uses, contrasting with the background.
      {
        type: 'scatter',
        id: 'isolated',
        name: 'isolated eigenvalues',
        symbol: 'diamond',
        symbolSize: 12,
        clip: false,
        z: 5,
        itemStyle: { color: theme.outlier, borderColor: theme.background, borderWidth: 1 },
        data: isolated.map((entry) => ({ value: [entry.value, entry.count] })),
      },
    ],
  };
}

/** The density values drawn: those below 10⁻⁸ of the peak are gaps (round-off, not the spectrum's shape). */
export function densityShown(density: { values: number[] }): (number | null)[] {
  const floor = Math.max(...density.values.filter(Number.isFinite)) * 1e-8;
  return density.values.map((value) => (value >= floor ? value : null));
}

/** The SLQ density φ(λ), on a logarithmic axis when `log` (Ghorbani et al. 2019, Fig. 1 style). */
export function densityOption(density: { grid: number[]; values: number[] }, theme: Theme, log = true): Option {
  const shown = densityShown(density);
  return {
    ...baseOption(theme),
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', valueFormatter: (value: number) => formatNumber(value) },
    grid: { left: 64, right: 20, top: 24, bottom: 44 },
    xAxis: valueAxis(theme, 'eigenvalue', {}, density.grid),
    yAxis: valueAxis(theme, log ? 'density (log)' : 'density', { nameGap: 48, ...(log ? { type: 'log', scale: false } : { min: 0, scale: false }) }, [...shown, ...(log ? [] : [0])]),
    dataZoom: insideZoom([0]),
    series: [{ type: 'line', id: 'density', name: 'density', showSymbol: false, data: density.grid.map((lambda, index) => [lambda, shown[index]]), lineStyle: { width: 1.8, color: theme.series[1] }, emphasis: { disabled: true } }],
  };
}

/** λmax and λmin (left axis) and the negative count (right axis) over training; `width`, the chart's, lays out the legend. */
export function spectrumHistoryOption(history: SpectrumRecord[], theme: Theme, selected?: Record<string, boolean>, width?: number): Option {
  const legend = legendLayout(theme, ['λmax', 'λmin', 'negative count'], width, selected);
  const line = (name: string, pick: (record: SpectrumRecord) => number | undefined, colour: string, yAxisIndex: number): Option => ({
    type: 'line',
    id: `history-${name}`,
    name,
    yAxisIndex,
    step: yAxisIndex === 1 ? 'end' : undefined,
    showSymbol: history.length <= 40,
    data: history.map((record) => [record.epoch, pick(record) ?? null]),
    lineStyle: { width: 1.8, color: colour },
    itemStyle: { color: colour },
    emphasis: { disabled: true },
  });
  return {
    ...baseOption(theme),
    legend: legend.option,
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', valueFormatter: (value: number) => formatNumber(value) },
    grid: { left: 64, right: 56, top: legend.height + 16, bottom: 44 },
    xAxis: valueAxis(theme, 'epoch', { min: 0, max: 'dataMax', scale: false }),
    yAxis: [
      valueAxis(theme, 'eigenvalue', { nameGap: 48 }, history.flatMap((record) => [record.top, record.bottom])),
      valueAxis(theme, 'negative count', { minInterval: 1, splitLine: { show: false }, nameGap: 36 }, history.map((record) => record.negativeCount)),
    ],
    series: [line('λmax', (record) => record.top, theme.series[1], 0), line('λmin', (record) => record.bottom, theme.critical.saddle, 0), line('negative count', (record) => record.negativeCount, theme.series[2], 1)],
  };
}

/** 1-D curves: the loss along eigenvector slices, interpolations or landscape directions; `width`, the chart's, lays out the legend. */
export function slicesOption(slices: Slice[], xName: string, theme: Theme, selected?: Record<string, boolean>, width?: number): Option {
  const legend = legendLayout(theme, slices.map((slice) => slice.label), width, selected);
  return {
    ...baseOption(theme),
    legend: legend.option,
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', valueFormatter: (value: number) => formatNumber(value) },
    grid: { left: 64, right: 20, top: legend.height + 16, bottom: 44 },
    xAxis: valueAxis(theme, xName, {}, slices.flatMap((slice) => slice.steps)),
    yAxis: valueAxis(theme, 'loss', { nameGap: 48 }, slices.flatMap((slice) => slice.loss)),
    dataZoom: insideZoom([0]),
    series: slices.map((slice, index) => ({
      type: 'line',
      id: `slice-${index}`,
      name: slice.label,
      showSymbol: slice.steps.length <= 60,
      symbolSize: 4,
      data: slice.steps.map((step, k) => [step, slice.loss[k]]),
      lineStyle: { width: 1.8, color: theme.series[index % theme.series.length] },
      itemStyle: { color: theme.series[index % theme.series.length] },
      emphasis: { disabled: true },
    })),
  };
}

/** Per-layer blocks (PyHessian issue #10): each layer's λmax and λmin side by side; `width`, the chart's, lays out the legend. */
export function layersOption(layers: HessianView['layers'], theme: Theme, selected?: Record<string, boolean>, width?: number): Option {
  const names = layers.map((layer) => layer.name);
  const legend = legendLayout(theme, ['λmax', 'λmin'], width, selected);
  return {
    ...baseOption(theme),
    legend: legend.option,
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', valueFormatter: (value: number) => formatNumber(value) },
    grid: { left: 64, right: 20, top: legend.height + 16, bottom: 56 },
    xAxis: { type: 'category', data: names, axisLabel: { color: theme.mutedForeground, interval: 0, rotate: names.length > 4 ? 30 : 0 }, axisLine: { lineStyle: { color: theme.border } } },
    yAxis: valueAxis(theme, 'eigenvalue', { nameGap: 48 }, [0, ...layers.flatMap((layer) => [layer.top, layer.bottom])]),
    series: [
      { type: 'bar', id: 'layer-top', name: 'λmax', data: layers.map((layer) => layer.top ?? null), itemStyle: { color: theme.series[1] } },
      { type: 'bar', id: 'layer-bottom', name: 'λmin', data: layers.map((layer) => layer.bottom ?? null), itemStyle: { color: theme.critical.saddle } },
    ],
  };
}
