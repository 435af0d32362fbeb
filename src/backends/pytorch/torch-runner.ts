/**
 * The PyTorch runner: a config with model.pytorch runs in the user's Python, one backend
 * process per run. It finds the interpreter, starts the backend, shakes hands (the protocol
 * version, the backend's torch, device and parameters), then sends one request per analysis
 * (train, hessian, landscape), merging each request's progress into the run's results and
 * scaling its fraction into the run's. Cancel sends $/cancelRequest; a backend that has not
 * answered within the grace period is killed. Whatever ends the run, what finished is kept.
 */
import type { ExperimentConfig } from '../../config/types';
import type { ExperimentResults, ProgressReport } from '../../shared/results';
import { emptyResults } from '../../shared/empty-results';
import { noteOutcome, type ExperimentRunner, type RunHandle, type RunOptions, type RunOutcome } from '../../runner/types';
import { BackendExited, BackendProcess, CancellationTokenSource } from './client';
import { describeFailure } from './errors';
import { missingPackageReason } from './package-dir';
import { InterpreterNotFoundError, type FoundInterpreter } from './interpreter';
import { PROTOCOL_VERSION, type AnalysisMethod, type HessianRequestResult, type InitializeResult, type LandscapeRequestResult, type ProgressParams, type TrainResult } from './protocol';

export interface TorchRunnerOptions {
  /** The folder holding the landscape_lens package: python/ of the extension or beside the CLI's dist/. */
  packageDir: string;
  /** Finds the interpreter (--python, the setting, the Python extension, the PATH); rejects with InterpreterNotFoundError. */
  findInterpreter: () => Promise<FoundInterpreter>;
  /** After a cancel, a backend that has not answered within this many ms is killed (default 2000). */
  cancelGraceMs?: number;
}

/** Share of the run's progress bar for loading the model and data; the analyses share the rest equally. */
const INITIALIZE_SHARE = 0.05;
const TIMING_NAMES: Record<AnalysisMethod | 'initialize', string> = { initialize: 'loadData', train: 'training', hessian: 'hessian', landscape: 'landscape' };

/** The analysis requests a config asks for, in order; a config with neither training nor analyses trains with the defaults, as on the engine. */
export function analysisMethods(config: ExperimentConfig): AnalysisMethod[] {
  const methods: AnalysisMethod[] = [];
  if (config.training || (!config.analyses?.hessian && !config.analyses?.landscape)) methods.push('train');
  if (config.analyses?.hessian) methods.push('hessian');
  if (config.analyses?.landscape) methods.push('landscape');
  return methods;
}

export class TorchRunner implements ExperimentRunner {
  readonly name = 'pytorch';
  private readonly running = new Set<BackendProcess>();

  constructor(private readonly options: TorchRunnerOptions) {}

  start(config: ExperimentConfig, options: RunOptions): RunHandle {
    const run = new TorchRun(config, options, this.options, this.running);
    return { result: run.execute().then(noteOutcome), cancel: () => run.cancel() };
  }

  async dispose(): Promise<void> {
    for (const backend of this.running) backend.kill();
    await Promise.all([...this.running].map((backend) => backend.exited));
    this.running.clear();
  }
}

/** One run: its backend, its results so far and its cancellation. */
class TorchRun {
  private readonly results: ExperimentResults;
  private backend?: BackendProcess;
  private current?: { method: string; token: CancellationTokenSource; start: number; width: number };
  private cancelled = false;
  private killedAfterCancel = false;
  /** Recent stderr lines: a traceback the backend already printed there is not logged twice. */
  private readonly recentStderr: string[] = [];

  constructor(
    private readonly config: ExperimentConfig,
    private readonly options: RunOptions,
    private readonly runner: TorchRunnerOptions,
    private readonly running: Set<BackendProcess>,
  ) {
    this.results = emptyResults(config);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const current = this.current;
    if (!current || !this.backend) return;
    current.token.cancel();
    const backend = this.backend;
    setTimeout(() => {
      if (this.current === current && backend.running) {
        this.killedAfterCancel = true;
        this.log(`the backend did not answer the cancel of ${current.method} within ${this.grace / 1000} s: ending it`);
        backend.kill();
      }
    }, this.grace).unref?.();
  }

  private get grace(): number {
    return this.runner.cancelGraceMs ?? 2000;
  }

  async execute(): Promise<RunOutcome> {
    const missing = missingPackageReason(this.runner.packageDir);
    if (missing) return { status: 'failed', results: this.results, reason: missing };
    let interpreter: FoundInterpreter;
    try {
      interpreter = await this.runner.findInterpreter();
    } catch (error) {
      const reason = error instanceof InterpreterNotFoundError ? error.message : `could not find a Python interpreter: ${(error as Error).message}`;
      for (const line of reason.split('\n')) this.log(line);
      return { status: 'failed', results: this.results, reason };
    }
    if (this.cancelled) return { status: 'cancelled', results: this.results, reason: 'cancelled before the backend started' };
    this.log(`PyTorch backend: ${interpreter.path} (${interpreter.source}; Python ${interpreter.python}, torch ${interpreter.torch})`);
    const backend = new BackendProcess({
      python: interpreter.path,
      packageDir: this.runner.packageDir,
      cwd: this.options.baseDir,
      onProgress: (params) => this.onProgress(params),
      onStderr: (line) => {
        this.recentStderr.push(line);
        if (this.recentStderr.length > 200) this.recentStderr.shift();
        this.log(line);
      },
    });
    this.backend = backend;
    this.running.add(backend);
    try {
      return await this.steps(backend, interpreter);
    } finally {
      await backend.shutdown(this.grace);
      this.running.delete(backend);
    }
  }

  /** initialize, then each analysis; stops at the first failure or cancel. */
  private async steps(backend: BackendProcess, interpreter: FoundInterpreter): Promise<RunOutcome> {
    const methods = analysisMethods(this.config);
    const share = (1 - INITIALIZE_SHARE) / Math.max(1, methods.length);
    const hello = await this.step<InitializeResult>('initialize', { protocolVersion: PROTOCOL_VERSION, config: this.config, baseDir: this.options.baseDir }, 0, INITIALIZE_SHARE);
    if ('outcome' in hello) return hello.outcome;
    const { backend: info, modules, data } = hello.answer;
    if (hello.answer.protocolVersion !== PROTOCOL_VERSION) {
      return { status: 'failed', results: this.results, reason: `the PyTorch backend in ${this.runner.packageDir} speaks protocol ${hello.answer.protocolVersion}, this extension ${PROTOCOL_VERSION}: reinstall the extension so both come from one release` };
    }
    this.results.backend = { name: info.name, python: info.python, torch: info.torch, device: info.device, dtype: info.dtype, parameters: info.parameters, interpreter: interpreter.path, version: info.version, modules, ...(info.cluster ? { cluster: info.cluster } : {}) };
    this.log(`model: ${info.parameters} parameters in ${modules.length} module(s) on ${info.device} (${info.dtype}); data: ${data.trainRows} training rows, ${data.testRows} test rows of shape [${data.inputShape.join(', ')}]${data.classes ? `, ${data.classes} classes` : ''}`);
    for (const [index, method] of methods.entries()) {
      if (this.cancelled) return { status: 'cancelled', results: this.results, reason: `cancelled before ${method}` };
      const done = await this.step<TrainResult | HessianRequestResult | LandscapeRequestResult>(method, {}, INITIALIZE_SHARE + index * share, share);
      if ('outcome' in done) return done.outcome;
      this.merge(done.answer);
      this.report({ fraction: INITIALIZE_SHARE + (index + 1) * share, message: `${method} ${done.answer.cancelled ? 'cancelled' : 'done'}`, partial: this.partialOf(method) });
      if (done.answer.cancelled) return { status: 'cancelled', results: this.results, reason: `cancelled during ${method}; what finished is kept` };
    }
    return { status: this.cancelled ? 'cancelled' : 'completed', results: this.results, reason: this.cancelled ? 'cancelled at the end of the run' : undefined };
  }

  /** One request, timed; its progress scaled into [start, start + width] of the run. */
  private async step<R>(method: string, params: unknown, start: number, width: number): Promise<{ answer: R } | { outcome: RunOutcome }> {
    const token = new CancellationTokenSource();
    this.current = { method, token, start, width };
    if (this.cancelled) token.cancel();
    const began = performance.now();
    try {
      return { answer: await this.backend!.request<R>(method, params, token) };
    } catch (error) {
      const { reason, traceback } = describeFailure(method, error);
      if (traceback && !this.alreadyPrinted(traceback)) for (const line of traceback.trimEnd().split('\n')) this.log(line);
      if (this.cancelled && this.killedAfterCancel) {
        return { outcome: { status: 'cancelled', results: this.results, reason: `cancelled during ${method}; the backend did not stop within ${this.grace / 1000} s and was ended; what finished before is kept` } };
      }
      if (this.cancelled && error instanceof BackendExited) {
        // It ended on its own (a signal from elsewhere, a crash) before answering the cancel: say how, not that it was slow.
        return { outcome: { status: 'cancelled', results: this.results, reason: `cancelled during ${method}; before answering the cancel, ${error.message.replace(/^the PyTorch backend/, 'the backend')}; what finished before is kept` } };
      }
      return { outcome: { status: 'failed', results: this.results, reason } };
    } finally {
      this.results.timings[TIMING_NAMES[method as AnalysisMethod] ?? method] = (performance.now() - began) / 1000;
      this.current = undefined;
      token.dispose();
    }
  }

  /** A request's final answer into the results. */
  private merge(answer: TrainResult | HessianRequestResult | LandscapeRequestResult): void {
    if ('training' in answer) {
      this.results.training = answer.training;
      if (answer.hessianHistory?.length) {
        const hessian = this.results.hessian ?? { dimension: this.results.backend?.parameters ?? 0, method: 'exact' as const, products: 0, seconds: 0 };
        this.results.hessian = { ...hessian, history: answer.hessianHistory };
      }
    }
    if ('hessian' in answer) {
      const history = answer.hessian.history ?? this.results.hessian?.history;
      this.results.hessian = history ? { ...answer.hessian, history } : answer.hessian;
    }
    if ('landscape' in answer) this.results.landscape = answer.landscape;
    const warnings = (answer as { warnings?: unknown }).warnings;
    if (Array.isArray(warnings)) this.results.warnings.push(...warnings.filter((warning): warning is string => typeof warning === 'string'));
  }

  private partialOf(method: AnalysisMethod): Partial<ExperimentResults> {
    if (method === 'train') return { training: this.results.training, hessian: this.results.hessian };
    if (method === 'hessian') return { hessian: this.results.hessian };
    return { landscape: this.results.landscape };
  }

  /** A progress notification: its partial results merged, its fraction scaled into the run's. */
  private onProgress(params: ProgressParams): void {
    const current = this.current;
    const fraction = current ? current.start + Math.min(1, Math.max(0, params.fraction)) * current.width : params.fraction;
    const partial = params.partial;
    if (partial?.hessian && this.results.hessian?.history && !partial.hessian.history) partial.hessian = { ...partial.hessian, history: this.results.hessian.history };
    this.report({ fraction, message: params.message, partial });
  }

  private report(report: ProgressReport): void {
    if (report.partial) Object.assign(this.results, report.partial);
    this.options.onProgress?.(report, this.results);
  }

  /** Whether the traceback's last line reached the log through stderr already. */
  private alreadyPrinted(traceback: string): boolean {
    const last = traceback.trimEnd().split('\n').at(-1);
    return last !== undefined && this.recentStderr.includes(last);
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }
}
