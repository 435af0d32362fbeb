/**
 * INTERNAL, for the extension-host integration tests only: what the host posted to its webviews
 * and the last run's folder, exposed as the `landscapeLens._testState` command and on the
 * object activate() returns; `landscapeLens._testReceive(view, message)` feeds a message through
 * the same validation as a page's. Not a public API and not in the command palette.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { HostToWebview } from './webview/pure/protocol';

export interface PostedMessage {
  view: 'panel' | 'side';
  type: HostToWebview['type'];
  /** For results messages: the run's name, whether final, and the trajectory count. */
  name?: string;
  final?: boolean;
  trajectories?: number;
}

export interface TestState {
  posted: PostedMessage[];
  refused: string[];
  lastRunFolder?: string;
  running: boolean;
  /** Milliseconds from the bundle's first module to the end of activate(): loading the modules and activating. */
  activationMilliseconds?: number;
  /** CPU milliseconds the extension host's process spent over the same span. */
  activationCpuMilliseconds?: number;
  /** The newest lines written to the output channel, as `level: message`. */
  logLines: string[];
}

const state: TestState = { posted: [], refused: [], running: false, logLines: [] };

/** Notes a line written to the output channel (the newest 2,000 are kept). */
export function recordLog(level: string, message: string): void {
  state.logLines.push(`${level}: ${message}`);
  if (state.logLines.length > 2000) state.logLines.splice(0, state.logLines.length - 2000);
}

/** Notes how long loading the bundle's modules and activate() took. */
export function recordActivation(milliseconds: number, cpuMilliseconds: number): void {
  state.activationMilliseconds = milliseconds;
  state.activationCpuMilliseconds = cpuMilliseconds;
}

/** Notes a message posted to a webview (a summary, not the whole results). */
export function recordPosted(view: PostedMessage['view'], message: HostToWebview): void {
  const entry: PostedMessage = { view, type: message.type };
  if (message.type === 'results' || (message.type === 'state' && message.results)) {
    const results = message.results;
    Object.assign(entry, { name: results?.name, final: message.final, trajectories: results?.trajectories?.length ?? 0 });
  }
  state.posted.push(entry);
  if (state.posted.length > 1000) state.posted.splice(0, state.posted.length - 1000);
}

/** Notes a webview message the host refused. */
export function recordRefused(reason: string): void {
  state.refused.push(reason);
}

export function recordRun(folder: string | undefined, running: boolean): void {
  if (folder) state.lastRunFolder = folder;
  state.running = running;
}

/** A copy of the state (tests compare snapshots). */
export function testState(): TestState {
  return { ...state, posted: [...state.posted], refused: [...state.refused], logLines: [...state.logLines] };
}

type Receiver = (raw: unknown) => Promise<boolean>;
const receivers = new Map<PostedMessage['view'], Receiver>();

/** Notes how a webview's messages enter the host (the same validation and handling). */
export function setReceiver(view: PostedMessage['view'], receiver: Receiver): void {
  receivers.set(view, receiver);
}

/** Feeds a message to a view's receiver as if its page had posted it; false when refused or no such view is open. */
export async function receiveAsWebview(view: unknown, raw: unknown): Promise<boolean> {
  const receiver = view === 'panel' || view === 'side' ? receivers.get(view) : undefined;
  return receiver ? receiver(raw) : false;
}

/** The host thread's event-loop delay over a span: the largest, the mean and the 99th percentile, in milliseconds. */
export interface EventLoopDelay {
  maxMilliseconds: number;
  meanMilliseconds: number;
  p99Milliseconds: number;
  /** How long it was measured. */
  spanMilliseconds: number;
  /**
   * The same measure, over the same span, of an idle thread of the same process: what the
   * machine's scheduler alone delays a timer by while the host runs (a loaded machine's share).
   */
  reference?: Omit<EventLoopDelay, 'reference' | 'spanMilliseconds'>;
}

/** An idle worker thread measuring its own event-loop delay until asked for it. */
const REFERENCE_MONITOR = `
const { parentPort } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
parentPort.once('message', () => {
  histogram.disable();
  parentPort.postMessage({ maxMilliseconds: histogram.max / 1e6, meanMilliseconds: histogram.mean / 1e6, p99Milliseconds: histogram.percentile(99) / 1e6 });
});
parentPort.postMessage('started');
`;

let delayMonitor: { histogram: IntervalHistogram; started: number; reference: Worker } | undefined;

/** Starts (or restarts) measuring the host thread's event-loop delay, sampled every 10 ms (perf_hooks.monitorEventLoopDelay), and an idle thread's beside it. */
export async function startEventLoopDelay(): Promise<void> {
  if (delayMonitor) {
    delayMonitor.histogram.disable();
    void delayMonitor.reference.terminate();
  }
  const reference = new Worker(REFERENCE_MONITOR, { eval: true });
  await new Promise((resolve) => reference.once('message', resolve));
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  delayMonitor = { histogram, started: performance.now(), reference };
}

/** Stops measuring and returns the delays since startEventLoopDelay(); undefined when it was not started. */
export async function stopEventLoopDelay(): Promise<EventLoopDelay | undefined> {
  if (!delayMonitor) return undefined;
  const { histogram, started, reference } = delayMonitor;
  histogram.disable();
  const spanMilliseconds = performance.now() - started;
  delayMonitor = undefined;
  const referenceDelay = await new Promise<EventLoopDelay['reference']>((resolve) => {
    reference.once('message', resolve);
    reference.postMessage('stop');
  });
  void reference.terminate();
  // The histogram holds nanoseconds; each sample includes the 10 ms resolution timer's own wait.
  return { maxMilliseconds: histogram.max / 1e6, meanMilliseconds: histogram.mean / 1e6, p99Milliseconds: histogram.percentile(99) / 1e6, spanMilliseconds, reference: referenceDelay };
}
