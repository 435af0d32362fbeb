import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { DataError } from './dataset';

/** What kind of thing is at a path, in words a user knows. */
function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The size in bytes of the regular file at `path`, or a DataError naming `field` when it does
 * not exist, is a folder or a special file (a device such as /dev/zero, a pipe, a socket: their
 * reads may never end), or is larger than `maxBytes`.
 */
export function regularFileSize(path: string, field: string, maxBytes = Number.MAX_SAFE_INTEGER): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (caught) {
    const code = (caught as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataError(`${field}: the file ${path} does not exist; paths are relative to the config file's folder`);
    throw new DataError(`${field}: cannot read ${path} (${code ?? (caught as Error).message}); check its permissions`);
  }
  if (!stats.isFile()) throw new DataError(`${field}: ${path} is ${describeKind(stats)}, not a data file; name a file`);
  if (stats.size > maxBytes) throw new DataError(`${field}: ${path} is ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} this reader takes; use a smaller file (e.g. the first rows only)`);
  return stats.size;
}

/** A problem with a data path as a message, or undefined when it names a readable regular file. */
export function dataFileProblem(path: string, field: string): string | undefined {
  try {
    regularFileSize(path, field);
    return undefined;
  } catch (caught) {
    if (caught instanceof DataError) return caught.message.slice(field.length + 2);
    throw caught;
  }
}

/**
 * At most `maxBytes` from the start of the regular file at `path` (one open, fixed-size reads),
 * with whether that is the whole file. Refuses folders and special files as regularFileSize does.
 */
export function readFileHead(path: string, field: string, maxBytes: number): { bytes: Buffer; complete: boolean; size: number } {
  const size = regularFileSize(path, field);
  const descriptor = openSync(path, 'r');
  try {
    // The file may have changed since the stat: size the read by the open descriptor.
    const length = Math.min(maxBytes, fstatSync(descriptor).size);
    const bytes = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const read = readSync(descriptor, bytes, filled, length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return { bytes: bytes.subarray(0, filled), complete: filled >= size, size };
  } finally {
    closeSync(descriptor);
  }
}

/** The whole regular file at `path`, refused (before any read) when larger than `maxBytes`. */
export function readWholeFile(path: string, field: string, maxBytes: number): Buffer {
  const size = regularFileSize(path, field, maxBytes);
  const { bytes } = readFileHead(path, field, size);
  return bytes;
}

/** True when `path` is `folder` or inside it. */
export function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
