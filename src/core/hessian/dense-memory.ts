/**
 * What the dense Hessian path needs in memory, and whether the memory that applies has it (the
 * machine's, a container's cgroup limit, or LANDSCAPE_LENS_MEMORY_BYTES: the smallest): the n×n
 * matrix, the eigensolver's working copy and, when asked, the eigenvectors. The Hessian analysis
 * refuses a dense spectrum that cannot fit; config/memory estimates whole runs from the same numbers.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/** Bytes of one double. */
const DOUBLE = 8;

/** Environment variable that lowers the memory the estimate compares against (bytes), e.g. to leave room for other programs. */
export const MEMORY_LIMIT_VARIABLE = 'LANDSCAPE_LENS_MEMORY_BYTES';

/** Bytes of the dense Hessian path for n parameters: the n×n matrix, the eigensolver's working copy, and the eigenvectors (a matrix and its stored rows) when asked. */
export function denseHessianBytes(parameters: number, eigenvectors = false): number {
  const matrix = parameters * parameters * DOUBLE;
  return matrix * (2 + (eigenvectors ? 2 : 0));
}

/** Largest n whose n×n matrix of doubles fits in one JavaScript array (Node's typed arrays hold at most 4 GiB). */
export const LARGEST_DENSE_DIMENSION = 23_170;

/** Why a dense Hessian of `parameters` cannot be computed here (above LARGEST_DENSE_DIMENSION or the memory), or undefined when it can. */
export function denseHessianRefusal(parameters: number, eigenvectors = false, memory: number | MemoryLimit = memoryLimit()): string | undefined {
  if (parameters > LARGEST_DENSE_DIMENSION) return `a dense Hessian of ${parameters.toLocaleString('en-US')} parameters is one array of n² doubles (${formatBytes(parameters * parameters * DOUBLE)}), and an array holds at most 4 GiB (n ≤ ${LARGEST_DENSE_DIMENSION.toLocaleString('en-US')})`;
  const bytes = denseHessianBytes(parameters, eigenvectors);
  const limit = typeof memory === 'number' ? { bytes: memory, owner: "this machine's" } : memory;
  if (bytes > limit.bytes) return `a dense Hessian of ${parameters.toLocaleString('en-US')} parameters needs ${formatBytes(bytes)} (n² × 8 bytes for the matrix, as much for the eigensolver's working copy${eigenvectors ? ', and twice that for the eigenvectors' : ''}), more than ${describeLimit(limit)}`;
  return undefined;
}

/** The largest n whose dense Hessian path fits in `bytes`. */
export function largestDenseDimension(bytes: number, eigenvectors = false): number {
  return Math.floor(Math.sqrt(bytes / (DOUBLE * (2 + (eigenvectors ? 2 : 0)))));
}

/** A limit on the memory a run may use: its size and what imposes it, for messages. */
export interface MemoryLimit {
  bytes: number;
  /** Whose memory, as the message says it: "this machine's", "the container's", "the JavaScript heap's". */
  owner: string;
  /** Where the number comes from, when it helps to know: "cgroup memory.max", "Node's heap_size_limit". */
  source?: string;
}

/** "this machine's 16.0 GB", "the container's 2.0 GB (cgroup memory.max)". */
export function describeLimit(limit: MemoryLimit): string {
  return `${limit.owner} ${formatBytes(limit.bytes)}${limit.source ? ` (${limit.source})` : ''}`;
}

/** The cgroup files that hold a container's memory limit: v2's memory.max ("max" when unlimited), then v1's memory.limit_in_bytes (a huge number when unlimited). */
export const CGROUP_MEMORY_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'] as const;

/** Reads a file's text, or undefined when it cannot be read (no cgroup, another system). */
export type TextReader = (path: string) => string | undefined;

const readText: TextReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The container's memory limit from the cgroup files, or undefined when there is none: a file
 * missing or unreadable, "max", or a number no smaller than the machine's memory (cgroup v1
 * writes 2⁶³ rounded down to a page for "unlimited").
 */
export function cgroupMemoryLimit(read: TextReader = readText, machine = totalmem()): MemoryLimit | undefined {
  for (const file of CGROUP_MEMORY_FILES) {
    const text = read(file)?.trim();
    if (text === undefined || text === '') continue;
    if (text === 'max') return undefined;
    const bytes = Number(text);
    if (!Number.isFinite(bytes) || bytes <= 0) continue;
    return bytes < machine ? { bytes, owner: "the container's", source: `cgroup ${file.slice(file.lastIndexOf('/') + 1)}` } : undefined;
  }
  return undefined;
}

/**
 * The smallest limit on a process's memory: the machine's, the container's (cgroup), or
 * LANDSCAPE_LENS_MEMORY_BYTES when set lower. Memory outside JavaScript's heap (typed arrays, the
 * dense Hessian) and a run's total are measured against it.
 */
export function memoryLimit(environment: NodeJS.ProcessEnv = process.env, read: TextReader = readText, machine = totalmem()): MemoryLimit {
  let limit: MemoryLimit = { bytes: machine, owner: "this machine's" };
  const cgroup = cgroupMemoryLimit(read, machine);
  if (cgroup && cgroup.bytes < limit.bytes) limit = cgroup;
  const variable = Number(environment[MEMORY_LIMIT_VARIABLE]);
  if (Number.isFinite(variable) && variable > 0 && variable < limit.bytes) limit = { bytes: variable, owner: "this machine's" };
  return limit;
}

/** The memory runs are measured against, in bytes: the smallest of the machine's, the container's and the environment variable's (memoryLimit). */
export function availableMemory(environment: NodeJS.ProcessEnv = process.env, read: TextReader = readText, machine = totalmem()): number {
  return memoryLimit(environment, read, machine).bytes;
}

/** "1.2 GB", "340 MB", "12 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}
