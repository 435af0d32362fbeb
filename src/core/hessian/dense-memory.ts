/**
 * What the dense Hessian path needs in memory, and whether this machine has it: the n×n matrix,
 * the eigensolver's working copy and, when asked, the eigenvectors. The Hessian analysis refuses
 * a dense spectrum that cannot fit; config/memory estimates whole runs from the same numbers.
 */
import { totalmem } from 'node:os';

/** Bytes of one double. */
const DOUBLE = 8;

/** Environment variable that lowers the memory the estimate compares against (bytes), e.g. for a container's limit. */
export const MEMORY_LIMIT_VARIABLE = 'LANDSCAPE_LENS_MEMORY_BYTES';

/** Bytes of the dense Hessian path for n parameters: the n×n matrix, the eigensolver's working copy, and the eigenvectors (a matrix and its stored rows) when asked. */
export function denseHessianBytes(parameters: number, eigenvectors = false): number {
  const matrix = parameters * parameters * DOUBLE;
  return matrix * (2 + (eigenvectors ? 2 : 0));
}

/** Largest n whose n×n matrix of doubles fits in one JavaScript array (Node's typed arrays hold at most 4 GiB). */
export const LARGEST_DENSE_DIMENSION = 23_170;

/** Why a dense Hessian of `parameters` cannot be computed here (above LARGEST_DENSE_DIMENSION or the memory), or undefined when it can. */
export function denseHessianRefusal(parameters: number, eigenvectors = false, memory = availableMemory()): string | undefined {
  if (parameters > LARGEST_DENSE_DIMENSION) return `a dense Hessian of ${parameters.toLocaleString('en-US')} parameters is one array of n² doubles (${formatBytes(parameters * parameters * DOUBLE)}), and an array holds at most 4 GiB (n ≤ ${LARGEST_DENSE_DIMENSION.toLocaleString('en-US')})`;
  const bytes = denseHessianBytes(parameters, eigenvectors);
  if (bytes > memory) return `a dense Hessian of ${parameters.toLocaleString('en-US')} parameters needs ${formatBytes(bytes)} (n² × 8 bytes for the matrix, as much for the eigensolver's working copy${eigenvectors ? ', and twice that for the eigenvectors' : ''}), more than this machine's ${formatBytes(memory)}`;
  return undefined;
}

/** The largest n whose dense Hessian path fits in `bytes`. */
export function largestDenseDimension(bytes: number, eigenvectors = false): number {
  return Math.floor(Math.sqrt(bytes / (DOUBLE * (2 + (eigenvectors ? 2 : 0)))));
}

/** The memory runs are measured against: the machine's, or the environment variable's when it is set lower. */
export function availableMemory(environment: NodeJS.ProcessEnv = process.env): number {
  const limit = Number(environment[MEMORY_LIMIT_VARIABLE]);
  return Number.isFinite(limit) && limit > 0 ? Math.min(limit, totalmem()) : totalmem();
}

/** "1.2 GB", "340 MB", "12 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}
