/**
 * The pages of a comparison, one per kind of result at least two of the runs hold: the runs
 * (headline numbers and config differences), training, surface race, Hessian, landscape.
 */
import type { ComparedRun } from '../../src/host/webview/pure/protocol';
import type { CardSpec, CardToggle } from '../widgets/card';
import { contourOption, type Overlay } from '../charts/contour';
import { fieldRange, type Field } from '../charts/field';
import { hessianOf, landscapeOf, trainingOf } from '../charts/sections';
import { logLevels, surfaceTitle, toggled, type Page, type PageContext } from '../pages/common';
import { ignoreOutliersToggle } from '../pages/analysis';
import { toCsv } from '../charts/format';
import { overlayCsv, overlayJson, overlayOption, type OverlayLine, type OverlayMark } from './overlay-chart';
import { fractionOfRun, runLabels, scalesDiffer, spectralRange } from './model';
import { logAxisSwitch } from '../charts/log-axis';
import { runsTable } from './runs-table';
import { surfaceField } from '../pages/surface';

interface Compared {
  run: ComparedRun;
  label: string;
  colour: string;
}

/** The toggle of a comparison's training chart that draws each run against the fraction of it done (epoch ÷ its last epoch), remembered per chart. */
function relativeXToggle(context: PageContext, chartId: string): CardToggle {
  return {
    key: 'relative',
    label: 'x: fraction of run',
    pressed: toggled(context, chartId, 'relative'),
    title: 'Draw each run against the fraction of it done (epoch ÷ its last epoch, 0 to 1), so runs of different lengths span the same axis; the tooltip names each run\'s epoch',
    onToggle: (pressed) => context.onToggle(chartId, 'relative', pressed),
  };
}

/**
 * A chart of overlaid lines with its log/linear switch and raw-value exports; `robust` offers
 * "Ignore outliers", `relative` the fraction-of-run x (epochs only). Exports keep the raw x.
 */
function overlayCard(id: string, title: string, lines: OverlayLine[], xName: string, yName: string, context: PageContext, extra: { smoothing?: boolean; marks?: OverlayMark[]; integerX?: boolean; shape?: CardSpec['shape']; robust?: boolean; relative?: boolean } = {}): CardSpec {
  const scale = logAxisSwitch(id, lines.flatMap((line) => line.ys), context.state.view.logAxes, context.onLogAxis);
  const log = scale.log;
  const robust = extra.robust === true && toggled(context, id, 'robust');
  const relative = extra.relative === true && toggled(context, id, 'relative');
  const shown = relative ? fractionOfRun(lines, extra.marks ?? []) : { lines, marks: extra.marks };
  const toggles = [...(extra.robust ? [ignoreOutliersToggle(context, id)] : []), ...(extra.relative ? [relativeXToggle(context, id)] : [])];
  return {
    id,
    title,
    shape: extra.shape,
    option: (size) =>
      overlayOption(
        {
          lines: shown.lines,
          xName: relative ? 'fraction of run' : xName,
          yName,
          log,
          smoothing: extra.smoothing ? context.state.smoothing : 0,
          marks: shown.marks,
          selected: context.state.view.legend[id],
          visible: () => context.state.view.legend[id],
          integerX: extra.integerX && !relative,
          fractionX: relative,
          width: size.width,
          robust,
        },
        context.theme,
      ),
    csv: () => overlayCsv(lines, xName, yName),
    json: () => overlayJson(lines),
    onLegend: (selected) => context.onLegend(id, selected),
    logScales: [scale],
    toggles: toggles.length > 0 ? toggles : undefined,
  };
}

function trainingPage(runs: Compared[], context: PageContext): Page | undefined {
  const trained = runs.map((entry) => ({ ...entry, training: trainingOf(entry.run.results) })).filter((entry) => entry.training && entry.training.history.length > 0);
  if (trained.length < 2) return undefined;
  const linesOf = (pick: (record: NonNullable<typeof trained[number]['training']>['history'][number]) => number | undefined): OverlayLine[] =>
    trained.map(({ label, colour, training }) => ({ run: label, colour, xs: training?.history.map((record) => record.epoch) ?? [], ys: training?.history.map(pick) ?? [] }));
  const marks: OverlayMark[] = trained.flatMap(({ label, colour, training }) => (training?.events ?? []).map((event) => ({ run: label, colour, x: event.epoch, label: `${event.message} (epoch ${event.epoch})` })));
  const options = { smoothing: true, integerX: true, robust: true, relative: true };
  const cards: CardSpec[] = [overlayCard('compare-loss', 'Loss', linesOf((record) => record.loss), 'epoch', 'loss', context, { ...options, marks })];
  const accuracy = linesOf((record) => record.testAccuracy ?? record.trainAccuracy);
  if (accuracy.some((line) => line.ys.some((value) => value !== undefined))) cards.push(overlayCard('compare-accuracy', 'Accuracy (test, else train)', accuracy, 'epoch', 'accuracy', context, options));
  cards.push(overlayCard('compare-gradient', '‖gradient‖', linesOf((record) => record.gradientNorm), 'epoch', '‖gradient‖', context, options));
  cards.push(overlayCard('compare-lr', 'Learning rate', linesOf((record) => record.learningRate), 'epoch', 'learning rate', context, { integerX: true, relative: true }));
  return { id: 'compare-training', title: 'Training', replay: false, cards, smoothing: true, connected: true };
}

/** The same surface (name, formula and domain): the trajectories can share one contour plot. */
function sameSurface(runs: Compared[]): boolean {
  const key = (entry: Compared) => JSON.stringify([entry.run.results.surface?.name, entry.run.results.surface?.formula, entry.run.results.surface?.domain]);
  return runs.every((entry) => key(entry) === key(runs[0]));
}

function surfacePage(runs: Compared[], context: PageContext): Page | undefined {
  const raced = runs.filter((entry) => entry.run.results.surface && (entry.run.results.trajectories ?? []).length > 0);
  if (raced.length < 2) return undefined;
  const overlaysOf = (entry: Compared): Overlay[] =>
    (entry.run.results.trajectories ?? []).map((trajectory) => ({ label: `${entry.label} · ${trajectory.label}`, points: trajectory.points, values: trajectory.values, status: trajectory.status, diverged: trajectory.status.startsWith('diverged') }));
  const cards: CardSpec[] = [];
  const contourCard = (id: string, title: string, field: Field, overlays: Overlay[]): CardSpec => ({
    id,
    title,
    shape: 'square',
    option: (size) => contourOption({ field, xName: 'x', yName: 'y', logLevels: logLevels(context, field), levelCount: 24, overlays, step: Number.MAX_SAFE_INTEGER, legendSelected: context.state.view.legend[id], narrow: context.narrow, size }, context.theme),
    csv: () => overlayCsv(overlays.map((overlay) => ({ run: overlay.label.split(' · ')[0], part: overlay.label.split(' · ').slice(1).join(' · '), colour: '', xs: overlay.points.map((point) => point[0]), ys: overlay.points.map((point) => point[1]) })), 'x', 'y'),
    json: () => ({ trajectories: overlays }),
    onLegend: (selected) => context.onLegend(id, selected),
  });
  if (sameSurface(raced)) {
    const surface = raced[0].run.results.surface;
    if (surface) cards.push(contourCard('compare-contour', `${surfaceTitle(surface)} · every run`, surfaceField(surface.grid), raced.flatMap(overlaysOf)));
  } else {
    raced.forEach((entry, index) => {
      const surface = entry.run.results.surface;
      if (surface) cards.push(contourCard(`compare-contour-${index}`, `${entry.label}: ${surface.name}`, surfaceField(surface.grid), overlaysOf(entry)));
    });
  }
  const lines: OverlayLine[] = raced.flatMap((entry) => (entry.run.results.trajectories ?? []).map((trajectory, index) => ({
    run: entry.label,
    part: trajectory.label,
    colour: entry.colour,
    dashed: index % 2 === 1,
    xs: trajectory.values.map((_, step) => step * (trajectory.stride ?? 1)),
    ys: trajectory.values,
  })));
  cards.push(overlayCard('compare-objective', 'Objective by step', lines, 'step', 'f', context, { integerX: true }));
  return { id: 'compare-surface', title: 'Surface race', replay: false, cards, connected: true };
}

function hessianPage(runs: Compared[], context: PageContext): Page | undefined {
  const analysed = runs.map((entry) => ({ ...entry, hessian: hessianOf(entry.run.results) })).filter((entry) => entry.hessian);
  if (analysed.length < 2) return undefined;
  const cards: CardSpec[] = [];
  // Spectra whose ranges differ by orders of magnitude get one chart per run, side by side, like the landscape planes.
  const separate = scalesDiffer(analysed.map(({ hessian }) => (hessian ? spectralRange(hessian) : undefined)));
  const addCards = (id: string, title: string, lines: OverlayLine[], xName: string, yName: string, options: { integerX?: boolean }): void => {
    if (lines.length < 2) return;
    if (!separate) {
      cards.push(overlayCard(id, title, lines, xName, yName, context, options));
      return;
    }
    lines.forEach((line, index) => cards.push(overlayCard(`${id}-${index}`, `${line.run}: ${title.charAt(0).toLowerCase()}${title.slice(1)}`, [line], xName, yName, context, { ...options, shape: 'square' })));
  };
  const spectra: OverlayLine[] = analysed.flatMap(({ label, colour, hessian }) => {
    const values = hessian && hessian.eigenvalues.length > 0 ? hessian.eigenvalues : [...(hessian?.bottom ?? [])].sort((a, b) => a - b).concat([...(hessian?.top ?? [])].sort((a, b) => a - b));
    return values.length > 0 ? [{ run: label, colour, xs: values.map((_, index) => index + 1), ys: values }] : [];
  });
  addCards('compare-spectrum', 'Eigenvalues, ascending', spectra, 'rank', 'eigenvalue', { integerX: true });
  const densities: OverlayLine[] = analysed.flatMap(({ label, colour, hessian }) => (hessian?.density ? [{ run: label, colour, xs: hessian.density.grid, ys: hessian.density.values }] : []));
  addCards('compare-density', 'Spectral density (SLQ)', densities, 'eigenvalue', 'density', {});
  const history: OverlayLine[] = analysed.flatMap(({ label, colour, hessian }) => {
    const records = hessian?.history ?? [];
    if (records.length === 0) return [];
    const xs = records.map((record) => record.epoch);
    return [
      { run: label, part: 'λmax', colour, xs, ys: records.map((record) => record.top) },
      { run: label, part: 'λmin', colour, dashed: true, xs, ys: records.map((record) => record.bottom) },
    ];
  });
  if (history.length >= 4) cards.push(overlayCard('compare-extremes', 'λmax (solid) and λmin (dashed) over training', history, 'epoch', 'eigenvalue', context, { integerX: true }));
  return cards.length > 0 ? { id: 'compare-hessian', title: 'Hessian', replay: false, cards } : undefined;
}

function landscapePage(runs: Compared[], context: PageContext): Page | undefined {
  const drawn = runs.map((entry) => ({ ...entry, landscape: landscapeOf(entry.run.results) })).filter((entry) => entry.landscape && entry.landscape.alphas.length >= 2);
  const lines = drawn.filter((entry) => entry.landscape && entry.landscape.betas.length < 2);
  const planes = drawn.filter((entry) => entry.landscape && entry.landscape.betas.length >= 2 && entry.landscape.loss.length === entry.landscape.alphas.length * entry.landscape.betas.length);
  const cards: CardSpec[] = [];
  if (lines.length >= 2) {
    cards.push(overlayCard('compare-landscape-1d', 'Loss along the direction', lines.map(({ label, colour, landscape }) => ({ run: label, colour, xs: landscape?.alphas ?? [], ys: landscape?.loss ?? [] })), 'α', 'loss', context));
  }
  if (planes.length >= 2) {
    // One colour scale for every plane, so equal colours mean equal losses.
    const ranges = planes.map((entry) => fieldRange(entry.landscape?.loss ?? []));
    const valueRange = { min: Math.min(...ranges.map((range) => range.min)), max: Math.max(...ranges.map((range) => range.max)) };
    planes.forEach((entry, index) => {
      const landscape = entry.landscape;
      if (!landscape) return;
      const field: Field = { xs: landscape.alphas, ys: landscape.betas, values: landscape.loss };
      const trajectory = landscape.trajectory;
      const overlays: Overlay[] = trajectory ? [{ label: `${entry.label} · training path`, points: trajectory.alpha.map((alpha, k) => [alpha, trajectory.beta[k]]) }] : [];
      const id = `compare-landscape-${index}`;
      cards.push({
        id,
        title: `${entry.label}: loss landscape`,
        shape: 'square',
        option: (size) => contourOption({ field, xName: 'α', yName: 'β', logLevels: logLevels(context, field), levelCount: 24, overlays, step: Number.MAX_SAFE_INTEGER, legendSelected: context.state.view.legend[id], narrow: context.narrow, size, valueRange, valueName: 'loss' }, context.theme),
        csv: () => toCsv(['run', 'alpha', 'beta', 'loss'], field.ys.flatMap((beta, j) => field.xs.map((alpha, i) => [entry.label, alpha, beta, field.values[j * field.xs.length + i]]))),
        json: () => ({ run: entry.label, landscape }),
        onLegend: (selected) => context.onLegend(id, selected),
      });
    });
  }
  return cards.length > 0 ? { id: 'compare-landscape', title: 'Landscape', replay: false, cards } : undefined;
}

/** Every page of the comparison, the runs' table first. */
export function comparePages(runs: ComparedRun[], context: PageContext): Page[] {
  const labels = runLabels(runs);
  const compared = runs.map((run, index) => ({ run, label: labels[index], colour: context.theme.series[index % context.theme.series.length] }));
  const summary: Page = { id: 'compare-runs', title: 'Runs', replay: false, cards: [], content: () => runsTable(compared) };
  return [summary, trainingPage(compared, context), surfacePage(compared, context), hessianPage(compared, context), landscapePage(compared, context)].filter((page): page is Page => page !== undefined);
}
