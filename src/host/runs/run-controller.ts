/**
 * The one place runs go through: starts a run in a worker with notification progress (Cancel,
 * real increments), the status-bar item and the output-channel log; saves the run folder; keeps
 * the run history and the shown run; tells the webviews what changed.
 */
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../../config/types';
import type { ComparedRun, HostToWebview, RunSummary, ViewSnapshot } from '../webview/pure/protocol';
import type { ExperimentResults } from '../../shared/results';
import { listRunsAsync, PartialSaveError, readRunRecordAsync, writeRunFolder, type RunRecord, type RunToSave } from '../../store/results-store';
import type { OpenedRunFolder } from '../../store/run-folder-messages';
import { latestThrottle } from './pure/latest-throttle';
import { log } from '../log';
import { emptyResults } from '../../shared/empty-results';
import { runnerFor, type ExperimentRunner, type RunOutcome } from '../../runner';
import { EngineRunner } from '../../backends/engine';
import type { Backend } from '../../config/prepare';
import { TorchRunner, backendPackageDir } from '../../backends/pytorch';
import { findVsCodeInterpreter } from '../editor/python-interpreter';
import { readSettings, runsFolder } from './settings';
import { prepareRun, savedRunConfig, type RunText } from './pure/prepared-run';
import { prepareOptions, showRefusal } from '../editor/config-loading';
import { RunStatusBar } from './status-bar';
import { recordRun } from '../test-hooks';
import { RunFolderIo } from './run-folder-io';
import { resultsForView } from '../webview/pure/trajectory-thinning';

/** A config to run: prepared (config/prepare.ts) by run() itself, whichever path asked for it. */
export interface RunRequest extends RunText {
  configUri?: vscode.Uri;
  /** What a refusal calls the config; default: the file's workspace-relative path, else the config's name. */
  label?: string;
}

/** The run the views show: its summary, results (partial while running), folder and config. */
export interface ShownRun {
  summary: RunSummary;
  results: ExperimentResults;
  folder?: string;
  config?: ExperimentConfig;
  /** The config's text as saved in the run's folder (what a re-run from a new start edits). */
  configText?: string;
  baseDir?: string;
}

const CURRENT_RUN_KEY = 'landscapeLens.currentRunFolder';
/** The training curves' smoothing weight, per workspace (TensorBoard keeps it per user). */
const SMOOTHING_KEY = 'landscapeLens.smoothing';
/** Partial results go to the views at most this often (each is serialized on the host's thread); the final ones always go. */
const PARTIAL_RESULTS_INTERVAL_MS = 250;

export class RunController implements vscode.Disposable {
  private readonly statusBar = new RunStatusBar();
  private readonly engine: EngineRunner;
  /** Saves and opens run folders on a worker thread. */
  private readonly folders: RunFolderIo;
  /** The finished run the worker thread is saving (dispose() saves it itself if the window closes first). */
  private saving?: { runsDir: string; run: RunToSave };
  private readonly torch: TorchRunner;
  /** The config file of the run being started: the landscapeLens.python setting is read for its folder. */
  private interpreterScope?: vscode.Uri;
  private readonly changed = new vscode.EventEmitter<HostToWebview>();
  /** Fires each message the webviews should get; `structural` changes also re-render their plain view. */
  readonly onMessage = this.changed.event;
  private readonly structural = new vscode.EventEmitter<void>();
  readonly onStructuralChange = this.structural.event;
  private running?: { abort: AbortController; summary: RunSummary; request: RunRequest };
  shown?: ShownRun;
  history: RunSummary[] = [];
  /** The running run's latest progress (for pages that load mid-run). */
  private progress?: { fraction: number; message: string };
  /** The runs compared in the panel (kept in memory and in the page's state only). */
  comparison?: ComparedRun[];
  private disposed = false;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.engine = new EngineRunner({ workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath });
    this.torch = new TorchRunner({ packageDir: backendPackageDir(context.extensionUri.fsPath), findInterpreter: () => findVsCodeInterpreter(this.interpreterScope) });
    this.folders = new RunFolderIo(vscode.Uri.joinPath(context.extensionUri, 'dist', 'run-folder-worker.js').fsPath, (reason) => log().warn(reason));
    void this.restore();
  }

  /** Reads the history and shows the run shown last (or the newest), unless a run or an open came first. */
  private async restore(): Promise<void> {
    await this.refreshHistory();
    const saved = this.context.workspaceState.get<string>(CURRENT_RUN_KEY);
    const folder = saved ?? (this.history[0] && path.join(runsFolder(this.context), this.history[0].id));
    if (folder && !this.shown) await this.tryOpenFolder(folder);
    if (this.disposed) return;
    this.structural.fire();
    if (this.shown && !this.running) this.changed.fire({ type: 'results', results: resultsForView(this.shown.results), final: true, run: this.shown.summary });
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Everything a freshly loaded page needs, from the current state (what a page asks for with requestState). */
  snapshot(): ViewSnapshot {
    const shown = this.shown;
    const running = this.running !== undefined && shown?.summary.id === this.running.summary.id;
    return {
      history: this.history,
      currentId: shown?.summary.id,
      run: shown?.summary,
      results: shown ? resultsForView(shown.results) : undefined,
      final: !running,
      progress: running ? this.progress : undefined,
      comparison: this.comparison?.map((run) => ({ ...run, results: resultsForView(run.results) })),
      smoothing: this.smoothing,
    };
  }

  /** The training curves' smoothing weight in [0, 1), remembered per workspace. */
  get smoothing(): number {
    const stored = this.context.workspaceState.get<number>(SMOOTHING_KEY);
    return typeof stored === 'number' && stored >= 0 && stored < 1 ? stored : 0.6;
  }

  setSmoothing(smoothing: number): void {
    void this.context.workspaceState.update(SMOOTHING_KEY, smoothing);
  }

  /** A saved run's folder from its id (a folder name under the results folder). */
  runFolder(id: string): string {
    return path.join(runsFolder(this.context), id);
  }

  /**
   * Compares saved runs (two or more; fewer ends the comparison) and tells the views. Runs whose
   * folder cannot be read are left out and named in the returned list.
   */
  async compare(ids: string[]): Promise<string[]> {
    const unreadable: string[] = [];
    const runs: ComparedRun[] = [];
    for (const id of [...new Set(ids)]) {
      const folder = this.runFolder(id);
      try {
        const shown = shownRun(folder, await this.folders.openRunFolder(folder));
        runs.push({ summary: shown.summary, results: shown.results, config: shown.config });
      } catch (error) {
        unreadable.push(`${id}: ${(error as Error).message}`);
      }
    }
    this.comparison = runs.length >= 2 ? runs : undefined;
    this.changed.fire({ type: 'comparison', runs: this.comparison?.map((run) => ({ ...run, results: resultsForView(run.results) })) ?? [] });
    return unreadable;
  }

  /**
   * Prepares a config (config/prepare.ts: validation, the settings as defaults, the cluster
   * setting, the memory check, the backend) and runs it; resolves with the results folder (also
   * for failed and cancelled runs), or undefined when it could not start (why is shown).
   */
  async run(request: RunRequest): Promise<vscode.Uri | undefined> {
    if (!this.canStart()) return undefined;
    const settings = readSettings(request.configUri);
    const label = request.label ?? (request.configUri ? vscode.workspace.asRelativePath(request.configUri) : `"${request.config?.name ?? 'the config'}"`);
    const prepared = prepareRun(request, label, prepareOptions(request.configUri));
    if (!prepared.ready) {
      showRefusal(prepared.refusal, request.configUri !== undefined);
      return undefined;
    }
    const { config, backend } = prepared.ready;
    for (const issue of prepared.ready.memory) log().warn(`${issue.path}: ${issue.message}`);
    const warning = prepared.ready.memory.find((issue) => issue.severity === 'warning');
    if (warning) void vscode.window.showWarningMessage(`Landscape Lens: "${config.name}": ${warning.message}`);
    // The run folder keeps the config as run: the file's own text (comments kept), or the reduced
    // config when "Run only this" or a focused command ran only part of it.
    request = { ...request, configText: configTextAsRun(request.configText, request.config ?? prepared.ready.written, request.configUri) };
    const summary: RunSummary = { id: `running-${Date.now()}`, name: config.name, status: 'running', startedAt: new Date().toISOString() };
    const abort = new AbortController();
    this.running = { abort, summary, request };
    this.progress = undefined;
    this.shown = { summary, results: emptyResults(config, summary.startedAt), config, configText: request.configText, baseDir: request.baseDir };
    recordRun(undefined, true);
    void vscode.commands.executeCommand('setContext', 'landscapeLens.running', true);
    log().info(`run "${config.name}"${request.configUri ? ` from ${request.configUri.fsPath}` : ''}: ${JSON.stringify(config)}`);
    this.structural.fire();
    if (settings.autoOpenPanel) void vscode.commands.executeCommand('landscapeLens.showPanel', { preserveFocus: true });
    try {
      this.interpreterScope = request.configUri;
      const outcome = await this.execute(config, backend, request.baseDir, settings.workers, summary, abort);
      if (this.disposed) return undefined; // dispose() saved what had finished
      return vscode.Uri.file(await this.save(outcome, config, request, summary));
    } finally {
      this.running = undefined;
      recordRun(undefined, false);
      this.statusBar.hide();
      void vscode.commands.executeCommand('setContext', 'landscapeLens.running', false);
    }
  }

  /** False, with a message saying why, when the workspace is untrusted or a run is going. */
  private canStart(): boolean {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Landscape Lens: running experiments is disabled in an untrusted workspace. Trust the workspace to run it.', 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return false;
    }
    if (this.running) {
      void vscode.window.showWarningMessage(`Landscape Lens: "${this.running.summary.name}" is still running. Cancel it (Landscape Lens: Cancel Run) or wait for it.`);
      return false;
    }
    return true;
  }

  /** The run in the pool under a cancellable notification; progress goes to it, the status bar, the log and the views. */
  private execute(config: ExperimentConfig, backend: Backend, baseDir: string, workers: number, summary: RunSummary, abort: AbortController): Thenable<RunOutcome> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Landscape Lens: ${config.name}`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const postPartial = latestThrottle((soFar: ExperimentResults) => {
        if (this.running?.summary === summary) this.changed.fire({ type: 'results', results: resultsForView(soFar), final: false, run: summary });
      }, PARTIAL_RESULTS_INTERVAL_MS);
      const runner = this.runnerFor(backend, workers);
      log().info(`  runner: ${runner.name}`);
      const handle = runner.start(config, {
        baseDir,
        onLog: (line) => log().info(`  ${line}`),
        onProgress: (report, soFar) => {
          progress.report({ increment: Math.max(0, report.fraction - reported) * 100, message: report.message });
          reported = Math.max(reported, report.fraction);
          this.statusBar.update(config.name, reported, report.message);
          log().info(`  ${Math.round(reported * 100)}% ${report.message}`);
          if (report.partial && this.shown) {
            this.shown.results = soFar;
            postPartial.push(soFar);
          }
          this.progress = { fraction: reported, message: report.message };
          this.changed.fire({ type: 'progress', fraction: reported, message: report.message });
        },
      });
      if (abort.signal.aborted) handle.cancel();
      abort.signal.addEventListener('abort', () => handle.cancel());
      // The final results follow at once: a partial one still held is not sent after them.
      return handle.result.finally(() => postPartial.cancel());
    });
  }

  /** The runner of the backend prepare chose (runner/choose.ts): the PyTorch backend for model.pytorch, else the engine's worker pool. */
  private runnerFor(backend: Backend, workers: number): ExperimentRunner {
    return runnerFor(backend, {
      pytorch: () => this.torch,
      engine: () => {
        this.engine.setWorkers(workers);
        return this.engine;
      },
    });
  }

  /** Saves the run's folder (on the worker thread), shows it, tells the views; returns the folder. */
  private async save(outcome: RunOutcome, config: ExperimentConfig, request: RunRequest, summary: RunSummary): Promise<string> {
    const record: RunRecord = { name: config.name, status: outcome.status, reason: outcome.reason, startedAt: summary.startedAt, finishedAt: new Date().toISOString(), configPath: request.configUri?.fsPath };
    this.saving = { runsDir: runsFolder(this.context, request.configUri), run: { results: outcome.results, record, configText: request.configText } };
    const folder = await this.saveRunFolder(this.saving.runsDir, this.saving.run).finally(() => (this.saving = undefined));
    log().info(`${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''} in ${describeTimings(outcome.results)}; saved ${folder}`);
    for (const warning of outcome.results.warnings) log().warn(`  ${warning}`);
    this.running = undefined;
    await this.refreshHistory();
    this.shown = { summary: summaryOf(folder, await readRunRecordAsync(folder)), results: outcome.results, folder, config, configText: request.configText, baseDir: request.baseDir };
    void this.context.workspaceState.update(CURRENT_RUN_KEY, folder);
    recordRun(folder, false);
    this.structural.fire();
    this.changed.fire({ type: 'results', results: resultsForView(outcome.results), final: true, run: this.shown.summary });
    if (outcome.status !== 'completed') void vscode.window.showWarningMessage(`Landscape Lens: "${config.name}" ${outcome.status}: ${outcome.reason ?? ''}. What finished is saved.`);
    return folder;
  }

  /** Cancels the run that is going; false when none is. */
  cancel(): boolean {
    if (!this.running) return false;
    log().info(`cancel "${this.running.summary.name}"`);
    this.running.abort.abort();
    return true;
  }

  /** Shows a saved run (by its folder name in the results folder, or its folder path); read on the worker thread. */
  async open(idOrFolder: string, configUri?: vscode.Uri): Promise<void> {
    const folder = path.isAbsolute(idOrFolder) ? idOrFolder : path.join(runsFolder(this.context, configUri), idOrFolder);
    const shown = shownRun(folder, await this.folders.openRunFolder(folder));
    this.shown = shown;
    void this.context.workspaceState.update(CURRENT_RUN_KEY, folder);
    this.structural.fire();
    this.changed.fire({ type: 'results', results: resultsForView(shown.results), final: true, run: shown.summary });
  }

  /**
   * After runs were renamed or deleted: re-reads the history, drops a deleted shown run (showing
   * the newest left), refreshes a comparison that held them, and tells the views.
   */
  async runsChanged(ids: string[]): Promise<void> {
    await this.refreshHistory();
    const known = new Set(this.history.map((run) => run.id));
    const shownFolder = this.shown?.folder;
    const shownId = shownFolder ? path.basename(shownFolder) : undefined;
    if (shownFolder && shownId && ids.includes(shownId)) {
      if (known.has(shownId)) {
        const summary = summaryOf(shownFolder, await readRunRecordAsync(shownFolder));
        this.shown = this.shown && { ...this.shown, summary };
      } else {
        this.shown = undefined;
        if (this.history[0]) await this.tryOpenFolder(this.runFolder(this.history[0].id));
        void this.context.workspaceState.update(CURRENT_RUN_KEY, (this.shown as ShownRun | undefined)?.folder);
      }
      const shown = this.shown;
      if (shown) this.changed.fire({ type: 'results', results: resultsForView(shown.results), final: true, run: shown.summary });
    }
    if (this.comparison?.some((run) => ids.includes(run.summary.id))) await this.compare(this.comparison.map((run) => run.summary.id).filter((id) => known.has(id)));
    this.structural.fire();
  }

  /** Re-reads the history and tells the views, unless a run is going (its end does both). */
  async reloadHistory(): Promise<void> {
    if (this.running) return;
    await this.refreshHistory();
    if (!this.disposed) this.structural.fire();
  }

  /** The run folders' summaries, newest first (each folder's run.json only); the old list, with the error logged, when the folder cannot be read. */
  async refreshHistory(): Promise<void> {
    const folder = runsFolder(this.context);
    try {
      this.history = await listRunsAsync(folder);
    } catch (error) {
      log().error(`cannot list the runs in ${folder}: ${(error as Error).message}`);
    }
  }

  private async tryOpenFolder(folder: string): Promise<void> {
    try {
      const opened = await this.folders.openRunFolder(folder);
      if (!this.shown) this.shown = shownRun(folder, opened);
    } catch {
      // the saved run was deleted: start empty
    }
  }

  /** Writes the run folder on the worker thread; when a file of it fails, says which and returns the folder with the rest. */
  private async saveRunFolder(runsDir: string, run: RunToSave): Promise<string> {
    try {
      return await this.folders.writeRunFolder(runsDir, run);
    } catch (error) {
      if (!(error instanceof PartialSaveError)) throw error;
      log().error(error.message);
      void vscode.window.showErrorMessage(`Landscape Lens: ${error.message}`);
      return error.folder;
    }
  }

  /** On a window close or reload: a run still going is saved as cancelled with what finished, then the pool ends. */
  dispose(): void {
    this.disposed = true;
    if (this.saving) {
      // The worker thread ends with the host: the finished run is written here, at once.
      try {
        const folder = writeRunFolder(this.saving.runsDir, this.saving.run);
        void this.context.workspaceState.update(CURRENT_RUN_KEY, folder);
      } catch (error) {
        log().error(`could not save the finished run: ${(error as Error).message}`);
      }
    } else if (this.running && this.shown) {
      const { summary, request } = this.running;
      const reason = 'the window closed or reloaded during the run; the results hold what finished before';
      const results = { ...this.shown.results, warnings: [...this.shown.results.warnings, `cancelled: ${reason}`] };
      try {
        const record = { name: summary.name, status: 'cancelled' as const, reason, startedAt: summary.startedAt, finishedAt: new Date().toISOString(), configPath: request.configUri?.fsPath };
        // Synchronous on purpose: the host may end right after dispose() returns.
        const folder = writeRunFolder(runsFolder(this.context, request.configUri), { results, record, configText: request.configText });
        void this.context.workspaceState.update(CURRENT_RUN_KEY, folder);
      } catch (error) {
        log().error(`could not save the interrupted run: ${(error as Error).message}`);
      }
    }
    this.running?.abort.abort();
    void this.engine.dispose();
    this.folders.dispose();
    void this.torch.dispose();
    this.statusBar.dispose();
    this.changed.dispose();
    this.structural.dispose();
  }
}

/** A run's summary from its folder name and run.json (a folder without one shows as completed under its name). */
function summaryOf(folder: string, record: RunRecord | undefined): RunSummary {
  const id = path.basename(folder);
  return record ? { id, name: record.name, status: record.status, reason: record.reason, startedAt: record.startedAt, finishedAt: record.finishedAt } : { id, name: id, status: 'completed', startedAt: '' };
}

/** The run the views show for an opened folder, with its config (to re-run a race from a new start) when it parses. */
function shownRun(folder: string, opened: OpenedRunFolder): ShownRun {
  return { summary: summaryOf(folder, opened.record), results: opened.results, folder, ...savedRunConfig(folder, opened) };
}

function describeTimings(results: ExperimentResults): string {
  const entries = Object.entries(results.timings);
  return entries.length === 0 ? 'no timed phase' : entries.map(([phase, seconds]) => `${phase} ${seconds.toFixed(3)} s`).join(', ');
}


/** `text` when it parses to `config`; otherwise `config` as JSON, headed by where it came from. */
export function configTextAsRun(text: string, config: ExperimentConfig, source?: vscode.Uri): string {
  let parsed: unknown;
  try {
    parsed = parseJsonc(text);
  } catch {
    parsed = undefined;
  }
  if (JSON.stringify(parsed) === JSON.stringify(config)) return text;
  const origin = source ? ` from ${source.fsPath}` : '';
  return `// The config as run${origin}, reduced to the part asked for.\n${JSON.stringify(config, null, 2)}\n`;
}
