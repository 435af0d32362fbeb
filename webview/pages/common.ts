/** What every page builder shares: the page and context types, and the helpers of field charts. */
import type { CardSpec } from '../widgets/card';
import type { AppState } from '../app/state';
import type { Theme } from '../charts/palette';
import { fieldRange, prefersLogLevels, type Field } from '../charts/field';
import { slicesOption } from '../charts/hessian';
import type { Slice } from '../charts/sections';
import { toCsv } from '../charts/format';
import { logAxisSwitch, type LogAxisSwitch } from '../charts/log-axis';

export interface Page {
  /** 'surface', 'training', 'hessian', 'landscape'; a comparison's pages start with 'compare-'. */
  id: string;
  title: string;
  /** The page has trajectories to replay. */
  replay: boolean;
  cards: CardSpec[];
  /** The page shows the smoothing slider (a comparison's training curves). */
  smoothing?: boolean;
  /** Content above the charts (a comparison's tables), rebuilt on each render. */
  content?: () => HTMLElement;
  /** Hovering one chart shows the same x on every chart of the page (ECharts connect). */
  connected?: boolean;
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
  /** A chart's y axis switched between log and linear. */
  onLogAxis: (chartId: string, log: boolean) => void;
  /** A chart's on/off view option (CardToggle) switched; the view state keeps it under "chartId:key". */
  onToggle: (chartId: string, key: string, pressed: boolean) => void;
}

/**
 * A surface's heading: its name and formula ("rosenbrock: (1 - x)^2 + …"), or the formula once
 * where the name is the formula (a surface given as an expression is named by it).
 */
export function surfaceTitle(surface: { name: string; formula: string }): string {
  return surface.name === surface.formula || surface.name.trim() === '' ? surface.formula : `${surface.name}: ${surface.formula}`;
}

/** A chart's on/off view option as the user left it, else `fallback`. */
export function toggled(context: PageContext, chartId: string, key: string, fallback = false): boolean {
  return context.state.view.toggles[`${chartId}:${key}`] ?? fallback;
}

/** Logarithmic contour levels: the user's choice, else what the field's shape asks for. */
export function logLevels(context: PageContext, field: Field): boolean {
  return context.state.view.logLevels ?? prefersLogLevels(field.values, fieldRange(field.values));
}

/**
 * The log/linear switch of a single run's chart: the user's remembered choice, else logarithmic
 * when the positive values span more than three decades; not offered for values ≤ 0.
 */
export function singleRunLogAxis(context: PageContext, key: string, values: readonly (number | undefined | null)[], label?: string): LogAxisSwitch {
  return logAxisSwitch(key, values, context.state.view.logAxes, context.onLogAxis, { decades: 3, label });
}

/** The field's value range widened by a tenth on each side. */
export function paddedRange(values: number[]): { min: number; max: number } {
  const range = fieldRange(values);
  const pad = (range.max - range.min) * 0.1;
  return { min: range.min - pad, max: range.max + pad };
}

/** A grid as x, y, value rows. */
export function fieldCsv(field: Field, names: [string, string, string]): string {
  const rows: number[][] = [];
  field.ys.forEach((y, j) => field.xs.forEach((x, i) => rows.push([x, y, field.values[j * field.xs.length + i]])));
  return toCsv(names, rows);
}

/** A card of 1-D curves (loss along directions). */
export function slicesCard(id: string, title: string, slices: Slice[], xName: string, context: PageContext): CardSpec {
  return {
    id,
    title,
    option: (size) => slicesOption(slices, xName, context.theme, context.state.view.legend[id], size.width),
    csv: () => toCsv(['slice', 'step', 'loss', 'accuracy'], slices.flatMap((slice) => slice.steps.map((step, k) => [slice.label, step, slice.loss[k], slice.accuracy?.[k]]))),
    json: () => slices,
    onLegend: (selected) => context.onLegend(id, selected),
  };
}
