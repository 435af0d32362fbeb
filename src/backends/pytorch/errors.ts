/**
 * A failed backend request as a reason a user can act on: an exception in the user's code names
 * their file and line (the traceback goes to the log), a config problem names the field, an
 * environment problem (CUDA out of memory, no such device) says so; a process that ended says how.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { TransportError } from './channel';
import { BackendExited } from './client';
import { ERROR_CODES, type BackendErrorData } from './protocol';

export interface DescribedFailure {
  /** One line for the run's reason. */
  reason: string;
  /** The full Python traceback, for the log. */
  traceback?: string;
}

/** What a step is doing, for the reason: "loading the model and data", "training", … */
const STEP: Record<string, string> = {
  initialize: 'loading the model and data',
  train: 'training',
  hessian: 'the Hessian analysis',
  landscape: 'the loss landscape',
};

/** Describes why `method` failed. */
export function describeFailure(method: string, error: unknown): DescribedFailure {
  const step = STEP[method] ?? method;
  if (error instanceof BackendExited) return { reason: `${error.message} during ${step}${error.lastLine ? `; the last line it wrote: ${error.lastLine}` : ''}` };
  if (error instanceof TransportError) return { reason: `the channel to the PyTorch backend broke during ${step}: ${error.message}; the backend was ended, what finished before is kept` };
  if (error instanceof ResponseError) {
    const data = (error.data ?? {}) as BackendErrorData;
    switch (error.code) {
      case ERROR_CODES.userCode: {
        const where = data.file && data.line !== undefined && !error.message.includes(`${data.file}:${data.line}`) ? `${data.file}:${data.line}: ` : '';
        return { reason: `${where}${error.message} (an exception in your code during ${step}; the traceback is in the log)`, traceback: data.traceback };
      }
      case ERROR_CODES.config: {
        // The field's pointer heads the reason unless the message names it already (as "/model/weights" or "model.weights").
        const named = data.field && (error.message.includes(data.field) || error.message.includes(data.field.slice(1).replaceAll('/', '.')));
        const field = data.field && !named ? `${data.field}: ` : '';
        return { reason: `${field}${error.message}`, traceback: data.traceback };
      }
      case ERROR_CODES.environment:
        return { reason: `${error.message} (the Python environment, during ${step})`, traceback: data.traceback };
      default:
        return { reason: `the PyTorch backend could not run ${method}: ${error.message} (JSON-RPC error ${error.code})`, traceback: data.traceback };
    }
  }
  return { reason: `${step} failed: ${(error as Error)?.message ?? String(error)}` };
}
