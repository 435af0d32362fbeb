/**
 * What a comparison computes from its runs, without drawing: run labels, TensorBoard's
 * smoothing, each run's epochs as fractions of the run, the config fields that differ between
 * runs, and each run's headline numbers.
 */
import type { ComparedRun } from '../../src/host/webview/pure/protocol';
import type { ExperimentResults } from '../../src/shared/results';
import type { OverlayLine, OverlayMark } from './overlay-chart';

/** Each run's label: its name, with its folder's time when two runs share a name. */
export function runLabels(runs: ComparedRun[]): string[] {
  const names = runs.map((run) => run.summary.name);
  return runs.map((run, index) => (names.indexOf(run.summary.name) !== names.lastIndexOf(run.summary.name) ? `${run.summary.name} (${run.summary.id.slice(0, 15)})` : names[index]));
}

/**
 * TensorBoard's smoothing: an exponential moving average s_k = w·s_{k−1} + (1 − w)·v_k from
 * s_0 = 0, divided by 1 − w^k so the start is not pulled toward zero (debiased). Missing or
 * non-finite values stay missing and do not advance the average.
 */
export function smooth(values: readonly (number | undefined)[], weight: number): (number | undefined)[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === undefined || !Number.isFinite(value)) return undefined;
    last = last * weight + (1 - weight) * value;
    count += 1;
    return last / (1 - weight ** count);
  });
}

/**
 * Lines and marks over epochs redrawn against the fraction of each run done: x = epoch ÷ the
 * run's last epoch (the largest x of its lines), so a 3-epoch run and an 80-epoch one both end
 * at 1 (epochs count from 1: a run's first epoch lies at 1/its length). Each line keeps its
 * epochs for the tooltip; a run whose last epoch is 0 or less stays at 0.
 */
export function fractionOfRun(lines: readonly OverlayLine[], marks: readonly OverlayMark[]): { lines: OverlayLine[]; marks: OverlayMark[] } {
  const last = new Map<string, number>();
  for (const line of lines) for (const x of line.xs) if (Number.isFinite(x)) last.set(line.run, Math.max(last.get(line.run) ?? -Infinity, x));
  const fraction = (run: string, x: number): number => {
    const end = last.get(run) ?? 0;
    return end > 0 ? x / end : 0;
  };
  return {
    lines: lines.map((line) => ({ ...line, xs: line.xs.map((x) => fraction(line.run, x)), epochs: line.epochs ?? line.xs })),
    marks: marks.map((mark) => ({ ...mark, x: fraction(mark.run, mark.x) })),
  };
}

/** Every leaf of a config as "a.b[2].c" → its JSON text. */
export function flattenConfig(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) into.set(prefix, '[]');
    value.forEach((item, index) => flattenConfig(item, `${prefix}[${index}]`, into));
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into.set(prefix, '{}');
    for (const [key, item] of entries) flattenConfig(item, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}

/** The config fields whose values are not the same in every run (a missing field counts as a value), in first-seen order. */
export function configDifferences(configs: readonly unknown[]): { field: string; values: (string | undefined)[] }[] {
  const flattened = configs.map((config) => flattenConfig(config ?? {}));
  const fields: string[] = [];
  for (const map of flattened) for (const field of map.keys()) if (!fields.includes(field)) fields.push(field);
  return fields
    .map((field) => ({ field, values: flattened.map((map) => map.get(field)) }))
    .filter((row) => row.values.some((value) => value !== row.values[0]));
}

export interface Headline {
  /** The last epoch's training loss; for a surface race, the lowest final objective among its optimizers. */
  finalLoss?: number;
  /** The last epoch's test accuracy, else its training accuracy. */
  accuracy?: number;
  lambdaMax?: number;
  trace?: number;
  /** Seconds over every timed phase. */
  seconds?: number;
}

/** A run's headline numbers. */
export function headline(results: ExperimentResults): Headline {
  const last = results.training?.history.at(-1);
  const finals = (results.trajectories ?? []).map((trajectory) => trajectory.values.at(-1)).filter((value): value is number => value !== undefined && Number.isFinite(value));
  const hessian = results.hessian;
  const spectrumMax = hessian?.eigenvalues?.length ? hessian.eigenvalues[hessian.eigenvalues.length - 1] : undefined;
  const timings = Object.values(results.timings ?? {});
  return {
    finalLoss: last?.loss ?? (finals.length > 0 ? Math.min(...finals) : undefined),
    accuracy: last?.testAccuracy ?? last?.trainAccuracy,
    lambdaMax: hessian?.top?.[0]?.value ?? spectrumMax ?? hessian?.history?.at(-1)?.lambdaMax,
    trace: hessian?.trace ? hessian.trace.exact ?? hessian.trace.estimate : undefined,
    seconds: timings.length > 0 ? timings.reduce((sum, seconds) => sum + seconds, 0) : undefined,
  };
}

/** A run's spectral range: the largest |λ| among its eigenvalues and extremes, else over its density's grid; undefined without any. */
export function spectralRange(hessian: { eigenvalues: number[]; top: number[]; bottom: number[]; density?: { grid: number[] } }): number | undefined {
  const largest = (values: number[]): number | undefined => {
    const finite = values.filter(Number.isFinite).map(Math.abs);
    return finite.length > 0 ? Math.max(...finite) : undefined;
  };
  return largest([...hessian.eigenvalues, ...hessian.top, ...hessian.bottom]) ?? largest(hessian.density?.grid ?? []);
}

/** The runs' scales differ by more than `factor` (largest range over smallest): overlaid, the smaller runs would be flat lines. */
export function scalesDiffer(ranges: readonly (number | undefined)[], factor = 100): boolean {
  const known = ranges.filter((range): range is number => range !== undefined && range > 0);
  return known.length >= 2 && Math.max(...known) / Math.min(...known) > factor;
}
