/**
 * A pool of worker_threads workers (one bundle, dist/worker.js) that runs whole experiments and
 * spreads landscape grids' row segments over every worker, streaming progress and finished
 * rows. Cancellation is a SharedArrayBuffer flag the workers read inside their loops, so work
 * stops within one grid point and what finished is kept. A crashed worker ends its job with
 * the reason and the partial results, and is replaced. No `vscode`: the host and the CLI share it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { computePlaneGrid, type PlaneGridValues, type PlaneRunner } from '../../core/landscape/grid';
import { withSharedArrays } from '../../core/landscape/shared-spec';
import type { PlaneSpec, RowSegment, SegmentValues } from '../../core/landscape/types';
import type { ExperimentConfig } from '../../config/types';
import type { PoolRequest, PoolResponse } from './protocol';
import type { ExperimentResults, ProgressReport } from '../../shared/results';
import type { GridOutcome, JobHandle, PlaneOutcome } from './types';
import type { RunOutcome } from '../../runner/types';
import { emptyResults } from '../../shared/empty-results';

export interface WorkerPoolOptions {
  /** Path of the built worker bundle, dist/worker.js. */
  workerPath: string;
  /** Number of workers; os.availableParallelism() by default. */
  size?: number;
  /** After a cancel, a worker that has not stopped within this many ms is terminated (its job keeps what finished). */
  cancelGraceMs?: number;
}

interface Slot {
  worker: Worker;
  experiment?: ExperimentJob;
  segment?: { plane: PlaneRun; segment: RowSegment };
  /** Planes whose evaluator this worker has built. */
  planesReady: Set<number>;
  /** Plane requests of its experiment still running: while waiting, the worker evaluates segments too. */
  waitingOnPlanes: number;
  crashReason?: string;
}

interface ExperimentJob {
  jobId: number;
  request: Extract<PoolRequest, { type: 'run' }>;
  flag: Int32Array;
  soFar: ExperimentResults;
  onProgress?: (report: ProgressReport, resultsSoFar: ExperimentResults) => void;
  slot?: Slot;
  cancelled: boolean;
  settle: (outcome: RunOutcome) => void;
}

interface PlaneRun {
  planeId: number;
  spec: PlaneSpec;
  queue: RowSegment[];
  inFlight: number;
  buffer: SharedArrayBuffer;
  /** Whether the flag belongs to this run (a top-level grid) or to the experiment that asked for it. */
  ownsFlag: boolean;
  finished: SegmentValues[];
  status: 'running' | 'cancelled' | 'failed';
  reason?: string;
  onSegment?: (values: SegmentValues) => void;
  requester?: { slot: Slot; requestId: number };
  settle: (outcome: PlaneOutcome) => void;
}

const newFlag = () => new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly experiments: ExperimentJob[] = [];
  private readonly planes: PlaneRun[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
  }

  /** Runs a validated config's experiment in a worker; its landscape grid spreads over the whole pool. */
  runExperiment(config: ExperimentConfig, baseDir: string, onProgress?: (report: ProgressReport, resultsSoFar: ExperimentResults) => void): JobHandle<RunOutcome> {
    const buffer = newFlag();
    const jobId = this.nextId++;
    let settle!: (outcome: RunOutcome) => void;
    const result = new Promise<RunOutcome>((resolve) => (settle = resolve));
    const soFar = emptyResults(config);
    const job: ExperimentJob = { jobId, request: { type: 'run', jobId, config, baseDir, cancelFlag: buffer }, flag: new Int32Array(buffer), soFar, onProgress, cancelled: false, settle };
    job.settle = (outcome) => {
      const index = this.experiments.indexOf(job);
      if (index < 0) return;
      this.experiments.splice(index, 1);
      if (job.slot) job.slot.experiment = undefined;
      settle(outcome);
      this.pump();
    };
    this.experiments.push(job);
    this.pump();
    return {
      result,
      cancel: () => {
        if (job.cancelled) return;
        job.cancelled = true;
        Atomics.store(job.flag, 0, 1);
        if (!job.slot) job.settle({ status: 'cancelled', results: soFar, reason: 'cancelled before it started' });
        else this.enforceCancel(() => this.experiments.includes(job), job.slot, () => job.settle({ status: 'cancelled', results: soFar, reason: 'cancelled; the worker did not stop in time and was ended' }));
      },
    };
  }

  /** Evaluates the segments of a plane's grid across all workers, streaming each finished one. */
  evaluatePlane(spec: PlaneSpec, segments: RowSegment[], onSegment?: (values: SegmentValues) => void): JobHandle<PlaneOutcome> {
    const buffer = newFlag();
    const handle = this.startPlane(spec, segments, buffer, true, onSegment);
    return { result: handle, cancel: () => this.cancelPlaneFlag(buffer) };
  }

  /** The whole grid of a plane by progressive refinement across all workers; onLevel gets each finished level. */
  computeGrid(spec: PlaneSpec, onLevel?: (level: PlaneGridValues, stride: number) => void): JobHandle<GridOutcome> {
    const buffer = newFlag();
    let ended: PlaneOutcome | undefined;
    const runner: PlaneRunner = async (planeSpec, segments, onSegment) => {
      ended = await this.startPlane(planeSpec, segments, buffer, true, onSegment);
    };
    const result = computePlaneGrid(spec, runner, { onLevel }).then((grid): GridOutcome => ({ status: ended?.status ?? 'completed', grid, reason: ended?.reason }));
    return { result, cancel: () => this.cancelPlaneFlag(buffer) };
  }

  /** Ends every worker; running jobs end as failed with what they had. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.experiments]) job.settle({ status: 'failed', results: job.soFar, reason: 'the worker pool was closed' });
    for (const plane of [...this.planes]) this.failPlane(plane, 'the worker pool was closed');
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private cancelPlaneFlag(buffer: SharedArrayBuffer): void {
    Atomics.store(new Int32Array(buffer), 0, 1);
    for (const plane of this.planes) {
      if (plane.buffer !== buffer || plane.status !== 'running') continue;
      plane.status = 'cancelled';
      plane.reason = 'cancelled; the finished rows are kept';
      plane.queue.length = 0;
      this.finishPlaneIfIdle(plane);
      const busy = this.slots.filter((slot) => slot.segment?.plane === plane);
      for (const slot of busy) this.enforceCancel(() => slot.segment?.plane === plane, slot, () => undefined);
    }
  }

  /** Terminates a slot that has not obeyed a cancel within the grace period; its crash handling keeps what finished. */
  private enforceCancel(stillRunning: () => boolean, slot: Slot, onTerminated: () => void): void {
    setTimeout(() => {
      if (!stillRunning() || !this.slots.includes(slot)) return;
      slot.crashReason = 'cancelled';
      onTerminated();
      void slot.worker.terminate();
    }, this.options.cancelGraceMs ?? 2000).unref();
  }

  private startPlane(spec: PlaneSpec, segments: RowSegment[], buffer: SharedArrayBuffer, ownsFlag: boolean, onSegment?: (values: SegmentValues) => void, requester?: PlaneRun['requester']): Promise<PlaneOutcome> {
    return new Promise<PlaneOutcome>((resolve) => {
      // Shared memory: each worker's plane-setup shares the data set instead of copying it.
      const plane: PlaneRun = { planeId: this.nextId++, spec: withSharedArrays(spec), queue: [...segments], inFlight: 0, buffer, ownsFlag, finished: [], status: 'running', onSegment, requester, settle: resolve };
      if (Atomics.load(new Int32Array(buffer), 0) !== 0) {
        plane.status = 'cancelled';
        plane.queue.length = 0;
      }
      this.planes.push(plane);
      this.finishPlaneIfIdle(plane);
      this.pump();
    });
  }

  private failPlane(plane: PlaneRun, reason: string): void {
    if (plane.status === 'failed') return;
    plane.status = 'failed';
    plane.reason = reason;
    plane.queue.length = 0;
    if (plane.ownsFlag) Atomics.store(new Int32Array(plane.buffer), 0, 1);
    this.finishPlaneIfIdle(plane);
  }

  private finishPlaneIfIdle(plane: PlaneRun): void {
    if (plane.queue.length > 0 || plane.inFlight > 0) return;
    const index = this.planes.indexOf(plane);
    if (index < 0) return;
    this.planes.splice(index, 1);
    for (const slot of this.slots) {
      if (slot.planesReady.delete(plane.planeId)) this.send(slot, { type: 'plane-release', planeId: plane.planeId });
    }
    if (plane.requester && this.slots.includes(plane.requester.slot)) {
      plane.requester.slot.waitingOnPlanes--;
      this.send(plane.requester.slot, { type: 'plane-finished', requestId: plane.requester.requestId, error: plane.status === 'failed' ? plane.reason : undefined });
    }
    const status = plane.status === 'running' ? 'completed' : plane.status;
    plane.settle({ status, segments: plane.finished, reason: plane.reason });
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.options.workerPath), planesReady: new Set(), waitingOnPlanes: 0 };
    slot.worker.on('message', (message: PoolResponse) => this.onMessage(slot, message));
    slot.worker.on('error', (error) => (slot.crashReason ??= error.message));
    slot.worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.push(slot);
    return slot;
  }

  private send(slot: Slot, message: PoolRequest): void {
    slot.worker.postMessage(message);
  }

  /** Starts queued experiments on free workers, then hands grid segments to every worker free to take one. */
  private pump(): void {
    if (this.closed) return;
    for (const job of this.experiments) {
      if (job.slot) continue;
      const slot = this.slots.find((candidate) => !candidate.experiment && !candidate.segment) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) break;
      job.slot = slot;
      slot.experiment = job;
      this.send(slot, job.request);
    }
    for (const plane of this.planes) {
      while (plane.queue.length > 0) {
        const slot = this.slots.find((candidate) => !candidate.segment && (!candidate.experiment || candidate.waitingOnPlanes > 0)) ?? (this.slots.length < this.size ? this.spawn() : undefined);
        if (!slot) break;
        if (!slot.planesReady.has(plane.planeId)) {
          slot.planesReady.add(plane.planeId);
          this.send(slot, { type: 'plane-setup', planeId: plane.planeId, spec: plane.spec, cancelFlag: plane.buffer });
        }
        const segment = plane.queue.shift() as RowSegment;
        slot.segment = { plane, segment };
        plane.inFlight++;
        this.send(slot, { type: 'plane-segment', planeId: plane.planeId, segment });
      }
    }
    // idle workers must not keep the process alive (a CLI exits when its jobs are done)
    for (const slot of this.slots) {
      if (slot.experiment || slot.segment) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private segmentEnded(slot: Slot): PlaneRun | undefined {
    const plane = slot.segment?.plane;
    slot.segment = undefined;
    if (plane) plane.inFlight--;
    return plane;
  }

  private onMessage(slot: Slot, message: PoolResponse): void {
    switch (message.type) {
      case 'progress': {
        const job = slot.experiment;
        if (!job || job.jobId !== message.jobId) return;
        if (message.report.partial) Object.assign(job.soFar, message.report.partial);
        job.onProgress?.(message.report, job.soFar);
        return;
      }
      case 'done':
      case 'failed': {
        const job = slot.experiment;
        if (!job || job.jobId !== message.jobId) return;
        if (message.type === 'done') job.settle({ status: job.cancelled ? 'cancelled' : 'completed', results: message.results, reason: job.cancelled ? 'cancelled; the results hold what finished before' : undefined });
        else job.settle({ status: 'failed', results: message.results ?? job.soFar, reason: message.message });
        return;
      }
      case 'segment-done': {
        const plane = this.segmentEnded(slot);
        if (plane) {
          plane.finished.push(message.values);
          plane.onSegment?.(message.values);
          if (plane.requester) this.send(plane.requester.slot, { type: 'plane-values', requestId: plane.requester.requestId, values: message.values });
          this.finishPlaneIfIdle(plane);
        }
        this.pump();
        return;
      }
      case 'segment-stopped': {
        const plane = this.segmentEnded(slot);
        if (plane) {
          if (plane.status === 'running') {
            plane.status = 'cancelled';
            plane.reason = 'cancelled; the finished rows are kept';
            plane.queue.length = 0;
          }
          this.finishPlaneIfIdle(plane);
        }
        this.pump();
        return;
      }
      case 'plane-failed': {
        const plane = this.planes.find((candidate) => candidate.planeId === message.planeId);
        if (slot.segment?.plane.planeId === message.planeId) this.segmentEnded(slot);
        if (plane) this.failPlane(plane, message.message);
        this.pump();
        return;
      }
      case 'plane-request': {
        slot.waitingOnPlanes++;
        const job = slot.experiment;
        void this.startPlane(message.spec, message.segments, job?.request.cancelFlag ?? newFlag(), false, undefined, { slot, requestId: message.requestId });
        return;
      }
    }
  }

  /** A worker ended: its experiment and its segment's grid end with the reason and what had finished; a new worker replaces it. */
  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const reason = slot.crashReason === 'cancelled' ? 'cancelled' : `the worker crashed (exit code ${code})${slot.crashReason ? `: ${slot.crashReason}` : ''}`;
    const job = slot.experiment;
    if (job) job.settle({ status: job.cancelled ? 'cancelled' : 'failed', results: job.soFar, reason });
    const row = slot.segment?.segment.row;
    const plane = this.segmentEnded(slot);
    if (plane) {
      if (plane.status === 'running' && slot.crashReason !== 'cancelled') this.failPlane(plane, `${reason}, while evaluating grid row ${row}`);
      else this.finishPlaneIfIdle(plane);
    }
    for (const other of [...this.planes]) if (other.requester?.slot === slot) this.failPlane(other, reason);
    this.pump();
  }
}
