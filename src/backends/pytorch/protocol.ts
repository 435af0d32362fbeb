/**
 * The messages between the PyTorch backend (python/landscape_lens, a child process) and its
 * client: JSON-RPC 2.0 over the child's stdio with the Language Server Protocol's framing
 * (Content-Length headers). One request per analysis, in order: initialize, train, hessian,
 * landscape, shutdown; `progress` notifications carry partial results.
 */
import type { ExperimentConfig } from '../../config/types';
import type { ExperimentResults, HessianHistoryEntry, HessianResult, LandscapeResult, TrainingResult } from '../../shared/results';

/** The protocol version this client speaks; the backend answers initialize with the one it speaks. */
export const PROTOCOL_VERSION = 1;

export interface InitializeParams {
  protocolVersion: number;
  config: ExperimentConfig;
  /** The config's folder: relative paths resolve against it (also the backend's working directory). */
  baseDir: string;
}

/** What results.json records of the backend that computed a run. */
export interface BackendInfo {
  name: string;
  version?: string;
  /** The interpreter's path and version, e.g. "/usr/bin/python3 (3.11.2)". */
  python: string;
  torch: string;
  device: string;
  dtype: string;
  parameters: number;
  /** The Dask cluster the independent work went to: its scheduler's address, or "a local cluster of N worker process(es)". */
  cluster?: string;
}

export interface InitializeResult {
  protocolVersion: number;
  backend: Omit<BackendInfo, 'python'> & { python: string; version: string };
  /** Leaf modules with parameters. */
  modules: { name: string; type: string; parameters: number }[];
  data: { trainRows: number; testRows: number; inputShape: number[]; classes?: number };
}

/** A cancelled request still answers with its normal result holding what finished, flagged `cancelled`. */
interface Cancellable {
  cancelled?: boolean;
}

export interface TrainResult extends Cancellable {
  training: TrainingResult;
  hessianHistory?: HessianHistoryEntry[];
}

export interface HessianRequestResult extends Cancellable {
  hessian: HessianResult;
}

export interface LandscapeRequestResult extends Cancellable {
  landscape: LandscapeResult;
}

export interface ProgressParams {
  /** 0..1 within the current request. */
  fraction: number;
  message: string;
  partial?: Partial<Pick<ExperimentResults, 'training' | 'hessian' | 'landscape'>>;
}

/** Error codes of the backend's JSON-RPC error responses (besides JSON-RPC's own). */
export const ERROR_CODES = { userCode: 1, config: 2, environment: 3 } as const;

/** The `data` of a backend error response. */
export interface BackendErrorData {
  kind?: 'user-code' | 'config' | 'environment';
  /** user-code: the user's file and line (the innermost frame inside the user's files). */
  file?: string;
  line?: number;
  traceback?: string;
  /** config: the JSON pointer of the field at fault, e.g. "/model/weights". */
  field?: string;
}

/** The analysis requests after initialize, in the order they run. */
export type AnalysisMethod = 'train' | 'hessian' | 'landscape';
