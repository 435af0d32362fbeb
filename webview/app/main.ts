/**
 * The Landscape Lens webview (bundled to dist/webview.js): receives results from the host
 * (src/host/webview/pure/protocol.ts), lays them out as tabs of charts, follows the VS Code theme
 * live, replays trajectories, and sends start points, saved files and run choices back. app/ is
 * the page's shell: this entry, its state (state.ts, state-request.ts), the host channel
 * (vscode-api.ts, export.ts), the theme and the header line; widgets/ holds the page's parts,
 * charts/ the ECharts options, pages/ the panel's tabs, compare/ the comparison of runs.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { ComparedRun, HostToWebview } from '../../src/host/webview/pure/protocol';
import { Card, type CardSpec, type ExportFormat } from '../widgets/card';
import { requestExport } from './export';
import { pagesOf, type Page, type PageContext } from '../pages/index';
import { createReplayControls } from '../widgets/replay';
import { initialViewState, replayLength, type AppState } from './state';
import { readTheme, watchTheme, type Theme } from './theme';
import { fieldRange, prefersLogLevels } from '../charts/field';
import { persistState, post, restoredState } from './vscode-api';
import { renderStatus } from './status';
import { createStateRequester } from './state-request';
import { RunList } from '../widgets/run-list';
import { comparePages } from '../compare/pages';
import { renderSideSummary } from '../widgets/side-summary';
import { createSmoothingControl } from '../widgets/smoothing';
import { echarts } from '../charts/echarts-setup';

const NARROW_WIDTH = 560;
const REPLAY_SECONDS = 5;

const state: AppState = { final: true, history: [], view: initialViewState(restoredState()), playing: false, smoothing: 0.6 };
const sideView = document.body.dataset.view === 'side';
let theme: Theme = readTheme();
let pendingStart: [number, number] | undefined;
let narrow = document.body.clientWidth < NARROW_WIDTH;
const cards = new Map<string, Card>();
let pageIds = '';
/** What the charts were last drawn for: the shown run, or the compared runs. */
let drawnFor = '';
let playTimer: number | undefined;
const webglAvailable = document.createElement('canvas').getContext('webgl') !== null;

const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
app.id = 'app';
const statusElement = document.createElement('header');
statusElement.id = 'status';
const runList = new RunList(
  {
    open: (id) => post({ type: 'openRun', id, ...(sideView ? { inPanel: true } : {}) }),
    compare: (ids) => post({ type: 'compareRuns', ids }),
    compareWith: (id) => post({ type: 'compareWith', id }),
    rename: (id) => post({ type: 'renameRun', id }),
    remove: (ids) => post({ type: 'deleteRuns', ids }),
    reveal: (id) => post({ type: 'revealRun', id }),
    openConfig: (id) => post({ type: 'openRunConfig', id }),
    changed: (ticked, filter) => {
      state.view.ticked = ticked;
      state.view.filter = filter;
      save();
    },
  },
  sideView,
);
const historyElement = runList.element;
const comparisonElement = document.createElement('div');
comparisonElement.id = 'comparison';
const sideSummaryElement = document.createElement('section');
sideSummaryElement.id = 'side-summary';
const emptyElement = document.createElement('p');
emptyElement.id = 'empty';
emptyElement.textContent = 'No results yet. Run an experiment (Landscape Lens: Run Experiment) or open a saved run.';
const tabs = document.createElement('vscode-tabs');
tabs.id = 'tabs';
app.append(statusElement, comparisonElement, historyElement, sideSummaryElement, emptyElement, tabs);

const smoothing = createSmoothingControl((weight, done) => {
  state.smoothing = weight;
  if (done) post({ type: 'setSmoothing', smoothing: weight });
  render(false);
});

const replay = createReplayControls({
  onStep: (step) => {
    stopPlaying();
    state.view.step = step;
    save();
    updateReplay();
  },
  onPlayToggle: () => (state.playing ? stopPlaying() : startPlaying()),
  onLogLevels: (logarithmic) => {
    state.view.logLevels = logarithmic;
    save();
    render(false);
  },
  onResetZoom: () => {
    for (const card of cards.values()) card.chart.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
  },
  onStart: (start) => context().onStart(start),
  start: () => pendingStart ?? state.results?.trajectories?.[0]?.points[0],
});

function cancelRun(): void {
  post({ type: 'cancelRun' });
}

function save(): void {
  persistState(state.view);
}

function currentStep(): number {
  const length = replayLength(state.results);
  return state.view.step === undefined ? length : Math.min(state.view.step, length);
}

function context(): PageContext {
  return {
    state,
    theme,
    narrow,
    step: currentStep(),
    pendingStart,
    onStart: (start) => {
      pendingStart = start;
      post({ type: 'setStart', start });
      render(false);
    },
    onLegend: (chartId, selected) => {
      state.view.legend[chartId] = selected;
      save();
    },
    onLogAxis: (chartId, log) => {
      state.view.logAxes[chartId] = log;
      save();
      render(false);
    },
    onToggle: (chartId, key, pressed) => {
      state.view.toggles[`${chartId}:${key}`] = pressed;
      save();
      render(false);
    },
  };
}

/** The pages shown: the comparison's when runs are compared, else the shown run's. */
function currentPages(): Page[] {
  if (state.comparison) return comparePages(state.comparison, context());
  return pagesOf(context());
}

/** The line above the run list while runs are compared, with the way back to one run. */
function renderComparison(): void {
  comparisonElement.replaceChildren();
  comparisonElement.hidden = !state.comparison;
  if (!state.comparison) return;
  const title = document.createElement('h2');
  title.textContent = `Comparing ${state.comparison.length} runs`;
  const names = document.createElement('span');
  names.className = 'compared-names';
  names.textContent = state.comparison.map((run) => run.summary.name).join(' · ');
  const back = document.createElement('vscode-button');
  back.id = 'end-comparison';
  back.setAttribute('secondary', '');
  back.textContent = state.run ? `Back to ${state.run.name}` : 'End the comparison';
  back.addEventListener('click', () => post({ type: 'compareRuns', ids: [] }));
  comparisonElement.append(title, names, back);
}

function runListState() {
  return { runs: state.history, currentId: state.currentRunId, ticked: state.view.ticked, filter: state.view.filter, compared: state.comparison?.map((run) => run.summary.id) ?? [] };
}

function effectiveLogLevels(): boolean {
  const grid = state.results?.surface?.grid;
  if (state.view.logLevels !== undefined || !grid) return state.view.logLevels ?? false;
  const values = grid.values.map((value) => value ?? NaN);
  return prefersLogLevels(values, fieldRange(values));
}

function exportCard(card: Card, format: ExportFormat): void {
  requestExport(card, format, state.comparison ? 'comparison' : state.results?.name ?? 'landscape-lens', theme.background);
}

/** Rebuilds the tab headers and panels when the set of pages changes. */
function layoutTabs(pages: Page[]): void {
  const ids = pages.map((page) => page.id).join(',');
  if (ids === pageIds) return;
  pageIds = ids;
  tabs.replaceChildren();
  pages.forEach((page) => {
    const header = document.createElement('vscode-tab-header');
    header.setAttribute('slot', 'header');
    header.textContent = page.title;
    header.dataset.page = page.id;
    const panel = document.createElement('vscode-tab-panel');
    panel.dataset.page = page.id;
    if (page.replay) panel.append(replay.element);
    if (page.smoothing) panel.append(smoothing.element);
    const content = document.createElement('div');
    content.className = 'page-content';
    panel.append(content);
    const grid = document.createElement('div');
    grid.className = 'cards';
    panel.append(grid);
    tabs.append(header, panel);
  });
  const selected = Math.max(0, pages.findIndex((page) => page.id === state.view.tab));
  tabs.setAttribute('selected-index', String(selected));
}

function panelGrid(pageId: string): HTMLElement | null {
  return tabs.querySelector(`vscode-tab-panel[data-page="${pageId}"] > .cards`);
}

function panelContent(pageId: string): HTMLElement | null {
  return tabs.querySelector(`vscode-tab-panel[data-page="${pageId}"] > .page-content`);
}

/** The run (or the compared runs) the pages show. */
function shownKey(): string {
  return state.comparison ? `compare:${state.comparison.map((run) => run.summary.id).join(',')}` : `run:${state.run?.id ?? ''}`;
}

/**
 * Draws everything from the state; `fresh` rebuilds each chart's option from scratch (theme or
 * layout change). Another run shown is drawn fresh too: its zoom, axes and panels owe nothing
 * to the last run's.
 */
function render(fresh: boolean): void {
  const shown = shownKey();
  if (shown !== drawnFor) fresh = true;
  drawnFor = shown;
  document.body.classList.toggle('narrow', narrow);
  renderStatus(statusElement, state, cancelRun);
  renderComparison();
  runList.update(runListState());
  smoothing.sync(state.smoothing);
  // The side view is compact: the run list, the run's status and headline numbers with sparklines.
  renderSideSummary(sideSummaryElement, sideView ? state.results : undefined, theme.series[0], state.run ? () => post({ type: 'openRun', id: state.run?.id ?? '', inPanel: true }) : undefined);
  const pages = sideView ? [] : currentPages();
  emptyElement.hidden = pages.length > 0 || (sideView && state.results !== undefined);
  emptyElement.textContent = !state.run
    ? 'No results yet. Run an experiment (Landscape Lens: Run Experiment) or open a saved run.'
    : state.final
      ? `Nothing to draw: "${state.run.name}" ended (${state.run.status}) before any result was finished.`
      : `"${state.run.name}" is running: the plots appear as its first results arrive.`;
  tabs.hidden = pages.length === 0;
  layoutTabs(pages);
  const seen = new Set<string>();
  // The side view shows the small plots only: no WebGL surface in a narrow activity-bar view
  // (nor anywhere WebGL is unavailable, e.g. with the GPU disabled).
  const skipWebgl = sideView || !webglAvailable;
  for (const page of pages) {
    const grid = panelGrid(page.id);
    if (!grid) continue;
    panelContent(page.id)?.replaceChildren(...(page.content ? [page.content()] : []));
    let order = 0;
    for (const spec of page.cards.filter((card) => !(skipWebgl && card.webgl))) {
      seen.add(spec.id);
      const card = cards.get(spec.id) ?? createCard(spec);
      // Cards keep the page's order even when a streamed section arrives after a later one.
      const position = grid.children[order];
      if (position !== card.element) grid.insertBefore(card.element, position ?? null);
      order += 1;
      // Charts of a connected page share the pointer: hovering one shows the same x on all.
      const group = page.connected ? `page-${page.id}` : '';
      if (card.chart.group !== group) {
        card.chart.group = group;
        if (group) echarts.connect(group);
      }
      try {
        card.update(spec, fresh);
      } catch (error) {
        // One chart that cannot draw (bad data in a section) must not take the others down.
        console.error(`chart ${spec.id}:`, error);
        card.showError(`This chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  for (const [id, card] of cards) {
    if (seen.has(id)) continue;
    card.dispose();
    cards.delete(id);
  }
  replay.sync(currentStep(), replayLength(state.results), state.playing, effectiveLogLevels());
}

function createCard(spec: CardSpec): Card {
  const card = new Card(spec, exportCard);
  cards.set(spec.id, card);
  return card;
}

/** Redraws only the charts that replay (the trajectories grow in place). */
function updateReplay(): void {
  if (state.comparison || sideView) return;
  const surface = pagesOf(context()).find((page) => page.id === 'surface');
  for (const spec of surface?.cards ?? []) cards.get(spec.id)?.replay(spec);
  replay.sync(currentStep(), replayLength(state.results), state.playing, effectiveLogLevels());
}

function startPlaying(): void {
  const length = replayLength(state.results);
  if (length === 0) return;
  if (currentStep() >= length) state.view.step = 0;
  state.playing = true;
  // The replay lasts about REPLAY_SECONDS whatever the step count; slow frames skip steps.
  const startStep = currentStep();
  const startedAt = performance.now();
  const stepsPerMs = Math.max(length / (REPLAY_SECONDS * 1000), 0.01);
  const tick = (): void => {
    if (!state.playing) return;
    const next = Math.min(length, startStep + Math.max(1, Math.floor((performance.now() - startedAt) * stepsPerMs)));
    if (next !== currentStep()) {
      state.view.step = next;
      updateReplay();
    }
    if (next >= length) stopPlaying();
    else playTimer = window.setTimeout(tick, 30);
  };
  updateReplay();
  playTimer = window.setTimeout(tick, 30);
}

function stopPlaying(): void {
  if (playTimer !== undefined) window.clearTimeout(playTimer);
  playTimer = undefined;
  if (!state.playing) return;
  state.playing = false;
  save();
  replay.sync(currentStep(), replayLength(state.results), false, effectiveLogLevels());
}

// The comparison the page's saved state holds goes with each request: after a window reload
// the host no longer has it.
const stateRequests = createStateRequester((requestId) => post({ type: 'requestState', requestId, ...(state.view.compare && !sideView ? { compare: state.view.compare } : {}) }));

/** Shows the compared runs (two or more), or ends the comparison. */
function setComparison(runs: ComparedRun[]): void {
  state.comparison = runs.length >= 2 ? runs : undefined;
  if (!sideView) state.view.compare = state.comparison?.map((run) => run.summary.id);
}

function receive(message: HostToWebview): void {
  switch (message.type) {
    case 'state': {
      stateRequests.answered(message.requestId);
      const newRun = message.run?.id !== state.view.runId;
      if (newRun) {
        stopPlaying();
        state.view.step = undefined;
      }
      state.history = message.history;
      state.currentRunId = message.currentId;
      state.results = message.results;
      state.run = message.run;
      state.final = message.final;
      state.progress = message.progress;
      state.smoothing = message.smoothing;
      setComparison(message.comparison ?? []);
      if (message.run) state.view.runId = message.run.id;
      pendingStart = undefined;
      save();
      render(false);
      return;
    }
    case 'comparison':
      setComparison(message.runs);
      save();
      render(false);
      return;
    case 'results': {
      const newRun = message.run?.id !== undefined && message.run.id !== state.view.runId;
      if (newRun) {
        stopPlaying();
        state.view.step = undefined;
      }
      state.results = message.results;
      state.final = message.final;
      state.run = message.run;
      if (message.run) state.view.runId = message.run.id;
      if (message.final) state.progress = undefined;
      pendingStart = undefined;
      save();
      render(false);
      return;
    }
    case 'progress':
      state.progress = { fraction: message.fraction, message: message.message };
      renderStatus(statusElement, state, cancelRun);
      return;
    case 'history':
      state.history = message.runs;
      state.currentRunId = message.currentId;
      runList.update(runListState());
      return;
  }
}

// Space selects the focused tab as Enter does (the tab pattern's keys; vscode-tabs answers Enter only).
tabs.addEventListener('keydown', (event) => {
  if (event.key !== ' ' || !(event.target instanceof HTMLElement) || !event.target.matches('vscode-tab-header')) return;
  event.preventDefault();
  event.target.click();
});

tabs.addEventListener('vsc-tabs-select', (event) => {
  const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  const header = tabs.querySelectorAll('vscode-tab-header')[index] as HTMLElement | undefined;
  state.view.tab = header?.dataset.page;
  save();
});

// Escape puts a chart shown over the whole panel back in its place (the keyboard returns to its button).
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !event.defaultPrevented && Card.restoreExpanded()) event.preventDefault();
});

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  if (typeof event.data === 'object' && event.data !== null && typeof event.data.type === 'string') receive(event.data);
});

window.addEventListener('resize', () => {
  const nowNarrow = document.body.clientWidth < NARROW_WIDTH;
  if (nowNarrow === narrow) return;
  narrow = nowNarrow;
  render(true);
});

watchTheme((next) => {
  theme = next;
  render(true);
});

// A page hidden with its context kept (or restored from the back-forward cache) may have
// missed updates while hidden: ask again when it shows.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') stateRequests.request();
});

render(true);
stateRequests.request();
