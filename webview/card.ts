/**
 * One chart on the page: a titled card with export buttons, the ECharts instance (canvas
 * renderer), a hover readout line, and resizing that follows the card's box. Updating a card
 * merges the new series by id, so streamed results and replay steps redraw without flicker.
 */
import { echarts, type EChartsType } from './echarts-setup';
import type { Option } from './charts/common';
import type { LogAxisSwitch } from './charts/log-axis';

export interface CardSpec {
  id: string;
  title: string;
  /** 3-D (WebGL) charts export SVG as an embedded PNG. */
  webgl?: boolean;
  /** CSS class of the chart box's shape: 'square' (contours), 'tall' (stacked panels), or the default wide box; square and tall charts lay out again on resize. */
  shape?: 'square' | 'tall' | 'wide';
  /** The chart's option for its current pixel size (equal-aspect plots lay out from it). */
  option: (size: { width: number; height: number }) => Option;
  csv: () => string;
  json: () => unknown;
  /** A click inside the plot area, in data coordinates (the contour's new start point). */
  onPlotClick?: (point: [number, number]) => void;
  /** The readout text for the pointer at data coordinates (value under the cursor), or undefined outside. */
  readout?: (point: [number, number]) => string | undefined;
  /** What the readout line says while the pointer is elsewhere (how to use the chart). */
  hint?: string;
  /** Called when the user toggles a legend entry. */
  onLegend?: (selected: Record<string, boolean>) => void;
  /** Log/linear switches of the y axes (one per panel of small multiples): current state and what a click does. */
  logScales?: LogAxisSwitch[];
}

/** Series that never change with the replay step. */
const STATIC_SERIES = new Set(['bands', 'surface']);

export type ExportFormat = 'png' | 'svg' | 'csv' | 'json';

export class Card {
  readonly element: HTMLElement;
  readonly chart: EChartsType;
  private spec: CardSpec;
  private readonly readoutElement: HTMLElement;
  private readonly titleElement: HTMLElement;
  private readonly scaleButtons = new Map<string, HTMLElement>();
  private readonly box: HTMLElement;
  private readonly resizeObserver: ResizeObserver;
  private pressedAt: [number, number] | undefined;

  constructor(spec: CardSpec, onExport: (card: Card, format: ExportFormat) => void) {
    this.spec = spec;
    this.element = document.createElement('section');
    this.element.className = 'card';
    this.element.dataset.chart = spec.id;
    const header = document.createElement('header');
    const title = document.createElement('h3');
    title.textContent = spec.title;
    this.titleElement = title;
    const actions = document.createElement('div');
    actions.className = 'actions';
    for (const scale of spec.logScales ?? []) {
      const button = document.createElement('vscode-button');
      button.setAttribute('secondary', '');
      button.dataset.scale = '';
      button.dataset.scaleKey = scale.key;
      button.addEventListener('click', () => {
        const current = this.spec.logScales?.find((entry) => entry.key === scale.key);
        if (current && !current.unavailable) current.onToggle(!current.log);
      });
      actions.append(button);
      this.scaleButtons.set(scale.key, button);
    }
    for (const format of ['png', 'svg', 'csv', 'json'] as const) {
      const button = document.createElement('vscode-button');
      button.setAttribute('secondary', '');
      button.dataset.export = format;
      button.title = `Save this chart as ${format.toUpperCase()}`;
      button.textContent = format.toUpperCase();
      button.addEventListener('click', () => onExport(this, format));
      actions.append(button);
    }
    header.append(title, actions);
    const box = document.createElement('div');
    box.className = `chart ${spec.shape ?? 'wide'}`;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', spec.title);
    this.box = box;
    this.readoutElement = document.createElement('div');
    this.readoutElement.className = 'readout';
    this.readoutElement.textContent = spec.hint ?? '\u00a0';
    this.element.append(header, box, this.readoutElement);
    this.chart = echarts.init(box, undefined, { renderer: 'canvas' });
    this.resizeObserver = new ResizeObserver(() => {
      const before = [this.chart.getWidth(), this.chart.getHeight()];
      this.chart.resize();
      // A plot with equal axis scales lays out again for its new size.
      if (this.spec.shape !== 'wide' && this.spec.shape !== undefined && (before[0] !== this.chart.getWidth() || before[1] !== this.chart.getHeight())) this.update(this.spec);
    });
    this.resizeObserver.observe(box);
    this.listen();
  }

  get id(): string {
    return this.spec.id;
  }

  get webgl(): boolean {
    return this.spec.webgl === true;
  }

  csv(): string {
    return this.spec.csv();
  }

  json(): unknown {
    return this.spec.json();
  }

  /** Redraws from the spec: `fresh` rebuilds every component (a theme change), otherwise series merge by id. */
  update(spec: CardSpec, fresh = false): void {
    const scales = (card: CardSpec): string => JSON.stringify((card.logScales ?? []).map((scale) => scale.log));
    const scaleChanged = scales(spec) !== scales(this.spec);
    this.spec = spec;
    this.titleElement.textContent = spec.title;
    for (const scale of spec.logScales ?? []) {
      const button = this.scaleButtons.get(scale.key);
      if (!button) continue;
      const axis = scale.label ? `${scale.label} axis` : 'y axis';
      button.textContent = `${scale.label ? `${scale.label}: ` : ''}${scale.log ? 'Log' : 'Linear'}`;
      button.title = scale.unavailable ? `The ${axis} is linear: ${scale.unavailable}` : `The ${axis} is ${scale.log ? 'logarithmic' : 'linear'}; click for ${scale.log ? 'linear' : 'logarithmic'}`;
      button.dataset.scale = scale.log ? 'log' : 'linear';
      button.toggleAttribute('disabled', scale.unavailable !== undefined);
    }
    // An axis changing type is rebuilt from scratch.
    if (scaleChanged) fresh = true;
    // ECharts' aria description (title, chart type, series names) replaces the box's aria-label, so screen readers hear the legend.
    const option = { ...spec.option({ width: this.chart.getWidth(), height: this.chart.getHeight() }), aria: { enabled: true, decal: { show: false } } };
    if (fresh) this.chart.setOption(option, { notMerge: true });
    else this.chart.setOption(option, { replaceMerge: ['series', 'title'] });
    // The drawn y axes' types ('value', 'log'), read back from the chart, for anyone inspecting the page.
    const drawn = this.chart.getOption() as { yAxis?: { type?: string }[] };
    this.box.dataset.yAxes = (drawn.yAxis ?? []).map((axis) => axis.type ?? 'value').join(',');
  }

  /** Shows why the chart is missing, in the readout line. */
  showError(message: string): void {
    this.readoutElement.textContent = message;
    this.readoutElement.classList.add('error');
  }

  /** Redraws only what a replay step changes: every series but the static ones (contour bands, 3-D surface), merged by id. */
  replay(spec: CardSpec): void {
    this.spec = spec;
    const option = spec.option({ width: this.chart.getWidth(), height: this.chart.getHeight() });
    const series = (option.series as { id?: string }[] | undefined) ?? [];
    this.chart.setOption({ series: series.filter((entry) => !STATIC_SERIES.has(entry.id ?? '')) });
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.chart.dispose();
    this.element.remove();
  }

  private dataPoint(offsetX: number, offsetY: number): [number, number] | undefined {
    if (!this.chart.containPixel({ gridIndex: 0 }, [offsetX, offsetY])) return undefined;
    const point = this.chart.convertFromPixel({ gridIndex: 0 }, [offsetX, offsetY]) as number[];
    return Number.isFinite(point[0]) && Number.isFinite(point[1]) ? [point[0], point[1]] : undefined;
  }

  private listen(): void {
    const zr = this.chart.getZr();
    zr.on('mousedown', (event) => {
      this.pressedAt = [event.offsetX, event.offsetY];
    });
    zr.on('click', (event) => {
      const pressed = this.pressedAt;
      this.pressedAt = undefined;
      // A drag (pan) ends with a click event too: only a click that did not move sets a point.
      if (!this.spec.onPlotClick || (pressed && Math.hypot(event.offsetX - pressed[0], event.offsetY - pressed[1]) > 4)) return;
      const point = this.dataPoint(event.offsetX, event.offsetY);
      if (point) this.spec.onPlotClick(point);
    });
    zr.on('mousemove', (event) => {
      if (!this.spec.readout) return;
      const point = this.dataPoint(event.offsetX, event.offsetY);
      this.readoutElement.textContent = (point && this.spec.readout(point)) || this.spec.hint || '\u00a0';
    });
    zr.on('globalout', () => {
      if (this.spec.readout) this.readoutElement.textContent = this.spec.hint ?? '\u00a0';
    });
    this.chart.on('legendselectchanged', (event) => {
      this.spec.onLegend?.((event as { selected: Record<string, boolean> }).selected);
    });
  }
}
