/**
 * One chart on the page: a titled card with export buttons, the ECharts instance (canvas
 * renderer), a hover readout line, and resizing that follows the card's box. Updating a card
 * replaces every component of the chart but those with the same id (series, zoom), so streamed
 * results and replay steps redraw without flicker and nothing of an earlier option lingers.
 * Every card can be expanded over the whole panel (Expand / Restore, Escape); a chart zoomed by
 * an x range (insideZoom without y axes) zooms to a range dragged across its plot, with a Reset
 * zoom button and double-click to show the whole range again.
 */
import { echarts, type EChartsType } from '../charts/echarts-setup';
import { SELECT_ZOOM_ID, selectsXRange, type Option } from '../charts/common';
import type { LogAxisSwitch } from '../charts/log-axis';

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
  /** On/off view options of this chart (ignore outliers in the y range, relative x), each a pressed/unpressed button. */
  toggles?: CardToggle[];
  /** One-shot commands of this chart (camera presets, reset), each a button in the card's header. */
  commands?: CardCommand[];
}

/** A one-shot command of one chart, shown as a button in the card's header; it acts on the card's own chart. */
export interface CardCommand {
  key: string;
  label: string;
  /** What the command does (the button's tooltip). */
  title: string;
  run: (chart: EChartsType) => void;
}

/** An on/off view option of one chart, shown as a toggle button (aria-pressed) in the card's header. */
export interface CardToggle {
  /** Stable key within the chart (the view state remembers it per chart and key). */
  key: string;
  /** The button's text, e.g. "Ignore outliers". */
  label: string;
  pressed: boolean;
  /** What the option does (the button's tooltip). */
  title: string;
  onToggle: (pressed: boolean) => void;
}

/** What the readout line of a chart zoomed by a dragged x range says while the pointer is elsewhere. */
const SELECT_ZOOM_HINT = 'Drag across the plot to zoom to a range · wheel zooms · double-click resets';
/** Pixels a drag must cover before it selects a range (less is a click). */
const MIN_SELECTION_PX = 5;

/** The card shown over the whole panel, if any (one at a time). */
const expandedCards = new Set<Card>();

/** Series that never change with the replay step. */
const STATIC_SERIES = new Set(['bands', 'surface']);

export type ExportFormat = 'png' | 'svg' | 'csv' | 'json';

/** A data item with every value present and finite (a gap, null or NaN, holds none). */
function holdsValue(item: unknown): boolean {
  const value = item !== null && typeof item === 'object' && !Array.isArray(item) && 'value' in item ? (item as { value: unknown }).value : item;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.length > 0 && value.every((entry) => typeof entry === 'string' || (typeof entry === 'number' && Number.isFinite(entry)));
  return value !== null && value !== undefined;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The chart's plot areas: the rectangle of each grid, or the whole chart without one (3-D). */
function plotAreas(chart: EChartsType): Rect[] {
  // The model is not in ECharts' public typings; its grids' rectangles are where series draw.
  const model = (chart as unknown as { getModel?: () => { getComponent(type: string, index: number): { coordinateSystem?: { getRect?: () => Rect } } | undefined } }).getModel?.();
  const rects: Rect[] = [];
  for (let index = 0; model; index++) {
    const grid = model.getComponent('grid', index);
    if (!grid) break;
    const rect = grid.coordinateSystem?.getRect?.();
    if (rect) rects.push(rect);
  }
  return rects.length > 0 ? rects : [{ x: 0, y: 0, width: chart.getWidth(), height: chart.getHeight() }];
}

export class Card {
  readonly element: HTMLElement;
  readonly chart: EChartsType;
  private spec: CardSpec;
  private readonly readoutElement: HTMLElement;
  private readonly titleElement: HTMLElement;
  private readonly scaleButtons = new Map<string, HTMLElement>();
  private readonly toggleButtons = new Map<string, HTMLElement>();
  private readonly commandButtons = new Map<string, HTMLElement>();
  private readonly actions: HTMLElement;
  private readonly box: HTMLElement;
  /** The option keys (component types) the chart was last drawn with. */
  private drawnKeys: string[] = [];
  private readonly resizeObserver: ResizeObserver;
  private pressedAt: [number, number] | undefined;
  private readonly expandButton: HTMLElement;
  private readonly resetZoomButton: HTMLElement;
  /** The x range being dragged out, drawn over the plot (charts zoomed by a selection). */
  private readonly selection: HTMLElement;
  /** The chart zooms its x axes to a dragged range (insideZoom without y axes). */
  private selectZoom = false;
  /** What was made inert behind the expanded card, given back on restore. */
  private inerted: HTMLElement[] = [];

  constructor(spec: CardSpec, onExport: (card: Card, format: ExportFormat) => void) {
    this.spec = spec;
    this.element = document.createElement('section');
    this.element.className = 'card';
    this.element.dataset.chart = spec.id;
    const header = document.createElement('header');
    const title = document.createElement('h3');
    title.id = `card-title-${spec.id}`;
    title.textContent = spec.title;
    this.titleElement = title;
    const actions = document.createElement('div');
    actions.className = 'actions';
    this.actions = actions;
    for (const format of ['png', 'svg', 'csv', 'json'] as const) {
      const button = document.createElement('vscode-button');
      button.setAttribute('secondary', '');
      button.dataset.export = format;
      // Named with the chart's title ("PNG Training curves"), not "PNG" alone on every card.
      button.id = `export-${spec.id}-${format}`;
      button.setAttribute('aria-labelledby', `${button.id} ${title.id}`);
      button.title = `Save this chart as ${format.toUpperCase()}`;
      button.textContent = format.toUpperCase();
      button.addEventListener('click', () => onExport(this, format));
      actions.append(button);
    }
    this.resetZoomButton = document.createElement('vscode-button');
    this.resetZoomButton.setAttribute('secondary', '');
    this.resetZoomButton.dataset.view = 'reset-zoom';
    this.resetZoomButton.textContent = 'Reset zoom';
    this.resetZoomButton.title = 'Show the whole x range again (or double-click the plot)';
    this.resetZoomButton.hidden = true;
    this.resetZoomButton.addEventListener('click', () => this.resetZoom());
    // Every chart can take the whole panel (a narrow panel's plots are small); Escape or the same button puts it back.
    this.expandButton = document.createElement('vscode-button');
    this.expandButton.setAttribute('secondary', '');
    this.expandButton.dataset.view = 'expand';
    this.expandButton.addEventListener('click', () => (this.expanded ? this.restore() : this.expand()));
    actions.append(this.resetZoomButton, this.expandButton);
    this.describeExpanded();
    header.append(title, actions);
    const box = document.createElement('div');
    box.className = `chart ${spec.shape ?? 'wide'}`;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', spec.title);
    this.box = box;
    this.readoutElement = document.createElement('div');
    this.readoutElement.className = 'readout';
    this.readoutElement.textContent = this.hint();
    this.element.append(header, box, this.readoutElement);
    this.chart = echarts.init(box, undefined, { renderer: 'canvas' });
    this.selection = document.createElement('div');
    this.selection.className = 'zoom-selection';
    this.selection.hidden = true;
    box.append(this.selection);
    this.resizeObserver = new ResizeObserver(() => {
      const before = [this.chart.getWidth(), this.chart.getHeight()];
      this.chart.resize();
      this.describePlot();
      // A plot with equal axis scales lays out again for its new size, and every chart for a new width (its legend's rows follow the width).
      if (before[0] !== this.chart.getWidth() || (this.spec.shape !== 'wide' && this.spec.shape !== undefined && before[1] !== this.chart.getHeight())) this.update(this.spec);
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

  /**
   * Redraws from the spec. `fresh` starts from an empty chart (a theme change, another run
   * shown); otherwise every component of the chart is replaced but those the new option names
   * by the same id (series, zoom), so a chart that held other series, grids or axes (another
   * run's, fewer panels) keeps nothing of them.
   */
  update(spec: CardSpec, fresh = false): void {
    const scales = (card: CardSpec): string => JSON.stringify((card.logScales ?? []).map((scale) => scale.log));
    const scaleChanged = scales(spec) !== scales(this.spec);
    const shownHint = this.readoutElement.textContent === this.hint() && !this.readoutElement.classList.contains('error');
    this.spec = spec;
    this.titleElement.textContent = spec.title;
    this.syncScaleButtons(spec.logScales ?? []);
    for (const scale of spec.logScales ?? []) {
      const button = this.scaleButtons.get(scale.key);
      if (!button) continue;
      const axis = scale.label ? `${scale.label} axis` : 'y axis';
      button.textContent = `${scale.label ? `${scale.label}: ` : ''}${scale.log ? 'Log' : 'Linear'}`;
      button.title = scale.unavailable ? `The ${axis} is linear: ${scale.unavailable}` : `The ${axis} is ${scale.log ? 'logarithmic' : 'linear'}; click for ${scale.log ? 'linear' : 'logarithmic'}`;
      button.dataset.scale = scale.log ? 'log' : 'linear';
      button.toggleAttribute('disabled', scale.unavailable !== undefined);
    }
    this.syncToggleButtons(spec.toggles ?? []);
    this.syncCommandButtons(spec.commands ?? []);
    // An axis changing type is rebuilt from scratch.
    if (scaleChanged) fresh = true;
    // ECharts' aria description (title, chart type, series names) replaces the box's aria-label, so screen readers hear the legend.
    const option: Option = { ...spec.option({ width: this.chart.getWidth(), height: this.chart.getHeight() }), aria: { enabled: true, decal: { show: false } } };
    const keys = Object.keys(option).filter((key) => option[key] !== undefined && option[key] !== null);
    this.selectZoom = selectsXRange(option);
    this.resetZoomButton.hidden = !this.selectZoom;
    // The hint line follows the spec and the chart's way of zooming (unless it shows a value or an error).
    if (shownHint) this.readoutElement.textContent = this.hint();
    // ECharts merges components without an id by index: grids, axes and titles of the last
    // option would keep properties (or whole components) the new one does not have, and
    // series would point at axes that no longer mean what they did. Components of a type in
    // either option are replaced unless matched by id; types the new option lacks are removed.
    if (fresh) this.chart.setOption(option, { notMerge: true });
    else this.chart.setOption(option, { replaceMerge: [...new Set([...this.drawnKeys, ...keys])] });
    this.drawnKeys = keys;
    this.clearError();
    this.describeDrawn();
  }

  /** Shows why the chart is missing, in the readout line. */
  showError(message: string): void {
    this.readoutElement.textContent = message;
    this.readoutElement.classList.add('error');
    this.box.dataset.points = '0';
  }

  /** The readout line back to its hint once the chart draws again. */
  private clearError(): void {
    if (!this.readoutElement.classList.contains('error')) return;
    this.readoutElement.classList.remove('error');
    this.readoutElement.textContent = this.hint();
  }

  /**
   * What the chart holds, read back from the ECharts instance, on the chart box for anyone
   * inspecting the page (the webview and end-to-end suites check every chart with it):
   * data-y-axes the y axes' types ('value', 'log'), data-points the data points its series
   * hold with every value finite, data-plot the plot areas ("x,y,width,height" in CSS pixels
   * of the box, ';' between grids; the whole box for charts without a grid), data-zoom the
   * zoom window.
   */
  private describeDrawn(): void {
    const drawn = this.chart.getOption() as { yAxis?: { type?: string }[]; series?: { data?: unknown[] }[] };
    this.box.dataset.yAxes = (drawn.yAxis ?? []).map((axis) => axis.type ?? 'value').join(',');
    this.box.dataset.points = String((drawn.series ?? []).reduce((count, series) => count + (series.data ?? []).filter(holdsValue).length, 0));
    this.describePlot();
    this.describeZoom();
  }

  /**
   * data-zoom: the first zoom's window in percent of the data ("0-100" unzoomed), read from the
   * chart's model (a selected range is dispatched as values, a wheel step as percents); Reset
   * zoom is offered while any zoom shows less than the whole range.
   */
  private describeZoom(): void {
    const windows = zoomWindows(this.chart).map(([start, end]) => [Math.round(start), Math.round(end)]);
    this.box.dataset.zoom = windows.length > 0 ? windows[0].join('-') : '';
    this.resetZoomButton.toggleAttribute('disabled', windows.every(([start, end]) => start <= 0 && end >= 100));
  }

  /** Every zoom of the chart back to the whole range (connected charts follow). */
  resetZoom(): void {
    this.chart.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
  }

  get expanded(): boolean {
    return this.element.classList.contains('expanded');
  }

  /**
   * Shows this chart over the whole panel (the card fixed over the page, the chart resized to
   * it; one card at a time): the rest of the page is inert meanwhile, so neither the keyboard
   * nor the pointer reaches what the card covers. The chart keeps its zoom and legend.
   */
  expand(): void {
    if (this.expanded) return;
    for (const other of expandedCards) other.restore(false);
    expandedCards.add(this);
    this.element.classList.add('expanded');
    document.body.classList.add('card-expanded');
    for (let node: HTMLElement = this.element; node.parentElement && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling === node || !(sibling instanceof HTMLElement) || sibling.inert) continue;
        sibling.inert = true;
        this.inerted.push(sibling);
      }
    }
    this.describeExpanded();
  }

  /** Puts the expanded chart back in its place; `focus` returns the keyboard to its Expand button. */
  restore(focus = true): void {
    if (!this.expanded) return;
    expandedCards.delete(this);
    this.element.classList.remove('expanded');
    document.body.classList.remove('card-expanded');
    for (const element of this.inerted) element.inert = false;
    this.inerted = [];
    this.describeExpanded();
    if (focus) this.expandButton.focus();
  }

  /** Puts back the chart shown over the whole panel, if one is (Escape); whether there was one. */
  static restoreExpanded(): boolean {
    const [card] = expandedCards;
    card?.restore();
    return card !== undefined;
  }

  private describeExpanded(): void {
    const expanded = this.expanded;
    this.expandButton.textContent = expanded ? 'Restore' : 'Expand';
    this.expandButton.title = expanded ? 'Put the chart back in its place (Escape)' : 'Show this chart over the whole panel (Escape puts it back)';
    this.expandButton.setAttribute('aria-pressed', String(expanded));
    this.expandButton.setAttribute('aria-expanded', String(expanded));
    this.element.toggleAttribute('data-expanded', expanded);
  }

  /** What the readout line says while the pointer gives no value: the spec's hint, else how a selection zooms. */
  private hint(): string {
    return this.spec.hint ?? (this.selectZoom ? SELECT_ZOOM_HINT : '\u00a0');
  }

  /** data-plot, again after each resize (a chart first drawn on a hidden tab has no size). */
  private describePlot(): void {
    this.box.dataset.plot = plotAreas(this.chart)
      .map((rect) => [rect.x, rect.y, rect.width, rect.height].map((value) => Math.round(value)).join(','))
      .join(';');
  }

  /** The log/linear buttons follow the spec's switches (another run may have other panels). */
  private syncScaleButtons(scales: LogAxisSwitch[]): void {
    const keys = scales.map((scale) => scale.key);
    if (keys.join('\n') === [...this.scaleButtons.keys()].join('\n')) return;
    for (const button of this.scaleButtons.values()) button.remove();
    this.scaleButtons.clear();
    const first = this.actions.firstChild;
    for (const key of keys) {
      const button = document.createElement('vscode-button');
      button.setAttribute('secondary', '');
      button.dataset.scale = '';
      button.dataset.scaleKey = key;
      button.addEventListener('click', () => {
        const current = this.spec.logScales?.find((entry) => entry.key === key);
        if (current && !current.unavailable) current.onToggle(!current.log);
      });
      this.actions.insertBefore(button, first);
      this.scaleButtons.set(key, button);
    }
  }

  /** One button per command of the spec, created once per set of keys; a click runs the current spec's command. */
  private syncCommandButtons(commands: CardCommand[]): void {
    const keys = commands.map((command) => command.key);
    if (keys.join('\n') !== [...this.commandButtons.keys()].join('\n')) {
      for (const button of this.commandButtons.values()) button.remove();
      this.commandButtons.clear();
      const first = this.actions.firstChild;
      for (const key of keys) {
        const button = document.createElement('vscode-button');
        button.setAttribute('secondary', '');
        button.dataset.command = key;
        button.addEventListener('click', () => this.spec.commands?.find((entry) => entry.key === key)?.run(this.chart));
        this.actions.insertBefore(button, first);
        this.commandButtons.set(key, button);
      }
    }
    for (const command of commands) {
      const button = this.commandButtons.get(command.key);
      if (!button) continue;
      button.textContent = command.label;
      button.title = command.title;
    }
  }

  /** One aria-pressed button per on/off view option of the spec, created once per set of keys, updated on each draw. */
  private syncToggleButtons(toggles: CardToggle[]): void {
    const keys = toggles.map((toggle) => toggle.key);
    if (keys.join('\n') !== [...this.toggleButtons.keys()].join('\n')) {
      for (const button of this.toggleButtons.values()) button.remove();
      this.toggleButtons.clear();
      const first = this.actions.firstChild;
      for (const key of keys) {
        const button = document.createElement('vscode-button');
        button.setAttribute('secondary', '');
        button.dataset.toggle = key;
        button.addEventListener('click', () => {
          const current = this.spec.toggles?.find((entry) => entry.key === key);
          if (current) current.onToggle(!current.pressed);
        });
        this.actions.insertBefore(button, first);
        this.toggleButtons.set(key, button);
      }
    }
    for (const toggle of toggles) {
      const button = this.toggleButtons.get(toggle.key);
      if (!button) continue;
      button.textContent = toggle.label;
      button.title = toggle.title;
      button.setAttribute('aria-pressed', String(toggle.pressed));
      button.classList.toggle('pressed', toggle.pressed);
    }
  }

  /** Redraws only what a replay step changes: every series but the static ones (contour bands, 3-D surface), merged by id. */
  replay(spec: CardSpec): void {
    this.spec = spec;
    const option = spec.option({ width: this.chart.getWidth(), height: this.chart.getHeight() });
    const series = (option.series as { id?: string }[] | undefined) ?? [];
    this.chart.setOption({ series: series.filter((entry) => !STATIC_SERIES.has(entry.id ?? '')) });
  }

  dispose(): void {
    this.restore(false);
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
      this.readoutElement.textContent = (point && this.spec.readout(point)) || this.hint();
    });
    zr.on('globalout', () => {
      if (this.spec.readout) this.readoutElement.textContent = this.hint();
    });
    this.chart.on('datazoom', () => this.describeZoom());
    this.chart.on('legendselectchanged', (event) => {
      this.spec.onLegend?.((event as { selected: Record<string, boolean> }).selected);
    });
    this.listenForSelection();
  }

  /**
   * On a chart zoomed by a selection, a drag across a plot draws the x range it covers and
   * zooms every panel to it on release (the wheel still zooms, nothing pans); a double-click
   * shows the whole range again. Pointer events of the box: ECharts keeps its own (tooltip).
   */
  private listenForSelection(): void {
    this.box.addEventListener('pointerdown', (down) => {
      if (!this.selectZoom || down.button !== 0 || !down.isPrimary) return;
      const origin = this.box.getBoundingClientRect();
      const x = down.clientX - origin.left;
      const y = down.clientY - origin.top;
      const grids = plotAreas(this.chart);
      const gridIndex = grids.findIndex((rect) => x >= rect.x && x <= rect.x + rect.width && y >= rect.y && y <= rect.y + rect.height);
      if (gridIndex < 0) return;
      const grid = grids[gridIndex];
      const within = (clientX: number): number => Math.min(Math.max(clientX - origin.left, grid.x), grid.x + grid.width);
      let end = x;
      const draw = (): void => {
        Object.assign(this.selection.style, { left: `${Math.min(x, end)}px`, width: `${Math.abs(end - x)}px`, top: `${grid.y}px`, height: `${grid.height}px` });
        this.selection.hidden = Math.abs(end - x) < MIN_SELECTION_PX;
      };
      const move = (event: PointerEvent): void => {
        if (event.pointerId !== down.pointerId) return;
        end = within(event.clientX);
        draw();
      };
      const finish = (event: PointerEvent): void => {
        if (event.pointerId !== down.pointerId) return;
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', finish);
        window.removeEventListener('pointercancel', finish);
        this.selection.hidden = true;
        if (event.type === 'pointerup' && Math.abs(end - x) >= MIN_SELECTION_PX) this.zoomToPixels(gridIndex, x, end, grid.y);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', finish);
      window.addEventListener('pointercancel', finish);
    });
    this.box.addEventListener('dblclick', () => {
      if (this.selectZoom) this.resetZoom();
    });
  }

  /** Zooms the x axes to the values under two pixel columns of a plot (a log axis converts too). */
  private zoomToPixels(gridIndex: number, from: number, to: number, y: number): void {
    const value = (x: number): number => (this.chart.convertFromPixel({ gridIndex }, [x, y]) as number[])[0];
    const [startValue, endValue] = [value(Math.min(from, to)), value(Math.max(from, to))];
    if (!Number.isFinite(startValue) || !Number.isFinite(endValue) || startValue >= endValue) return;
    this.chart.dispatchAction({ type: 'dataZoom', dataZoomId: SELECT_ZOOM_ID, startValue, endValue });
  }
}

/** Each zoom's window in percent of its data, from the chart's model (not in ECharts' public typings). */
function zoomWindows(chart: EChartsType): [number, number][] {
  type ZoomModel = { getPercentRange?: () => number[] | undefined; option?: { start?: number; end?: number } };
  const model = (chart as unknown as { getModel?: () => { getComponent(type: string, index: number): ZoomModel | undefined } | undefined }).getModel?.();
  const windows: [number, number][] = [];
  for (let index = 0; model; index++) {
    const zoom = model.getComponent('dataZoom', index);
    if (!zoom) break;
    const range = zoom.getPercentRange?.() ?? [zoom.option?.start ?? 0, zoom.option?.end ?? 100];
    windows.push([range[0] ?? 0, range[1] ?? 100]);
  }
  return windows;
}
