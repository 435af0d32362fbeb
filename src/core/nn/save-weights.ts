/**
 * training.saveWeights: the trained parameters as .safetensors or the documented JSON form.
 *
 * The tool never overwrites a file it did not write. Beside each weights file it writes a marker,
 * `<file>.landscape-lens.json`, holding the file's size and SHA-256; an existing file is replaced
 * only while it still matches its marker (the tool's own earlier output, unchanged since).
 * Anything else at the path is refused before training starts (checkSaveWeightsTarget), or, when
 * it appears while training runs, kept: the weights go to a new name beside it (`weights-2.json`)
 * and a warning says so. Every file is written to a temporary file in the same folder, flushed to
 * disk and renamed into place, so a crash never leaves a half-written file at the path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { resolveDataPath } from '../data/load';
import type { MlpSpec } from './layout';
import { writeSafetensors } from './safetensors';
import { weightsToJson } from './weights';

/** The marker beside a weights file the tool wrote. */
export const MARKER_SUFFIX = '.landscape-lens.json';
const WRITER = 'landscape-lens';

/** A saveWeights path the engine will not write; the message starts with the field. */
export class SaveWeightsError extends Error {
  readonly field = '/training/saveWeights';
  constructor(message: string) {
    super(message);
    this.name = 'SaveWeightsError';
  }
}

interface Marker {
  writer: string;
  file: string;
  size: number;
  sha256: string;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The marker beside target when it is one of the tool's, else undefined. */
function readMarker(target: string): Marker | undefined {
  try {
    const marker = JSON.parse(readFileSync(target + MARKER_SUFFIX, 'utf8')) as Partial<Marker> | null;
    return marker && typeof marker === 'object' && marker.writer === WRITER ? (marker as Marker) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether target is a plain file the tool wrote and nobody changed since: its size and SHA-256 match its marker. */
export function writtenByTool(target: string): boolean {
  let stats;
  try {
    stats = lstatSync(target);
  } catch {
    return false;
  }
  if (!stats.isFile()) return false;
  const marker = readMarker(target);
  return marker !== undefined && marker.size === stats.size && marker.sha256 === sha256(readFileSync(target));
}

/** Why target cannot be written (undefined: it is free, or the tool's own unchanged file). */
function refusal(target: string, path: string): string | undefined {
  if (exists(target)) {
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) return `training.saveWeights "${path}" is a folder: give a file name ending in .json or .safetensors`;
    if (!writtenByTool(target)) return `training.saveWeights: ${path} already exists and was not written by this tool (or was changed since): give a new file name, or move the file away; weights the tool did not write are never overwritten`;
  } else if (exists(target + MARKER_SUFFIX) && !readMarker(target)) {
    return `training.saveWeights: ${target + MARKER_SUFFIX} exists and is not the tool's marker: give another file name, or move that file away`;
  }
  return undefined;
}

/**
 * The absolute path saveWeights would write, checked before training starts: not the file
 * model.weights was loaded from, and no file the tool did not write. Throws a SaveWeightsError.
 */
export function checkSaveWeightsTarget(path: string, baseDir: string, loadedFrom?: string): string {
  const target = resolveDataPath(baseDir, path);
  if (loadedFrom !== undefined && resolveDataPath(baseDir, loadedFrom) === target) throw new SaveWeightsError(`training.saveWeights is the file model.weights is loaded from (${path}): give another path so the original weights are kept`);
  const why = refusal(target, path);
  if (why) throw new SaveWeightsError(why);
  return target;
}

/** A new hidden file in folder holding bytes, flushed to disk (usual permissions); removed on failure. */
function writeTemporary(folder: string, name: string, bytes: Uint8Array): string {
  for (;;) {
    const temporary = join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    let descriptor: number;
    try {
      descriptor = openSync(temporary, 'wx', 0o666);
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw caught;
    }
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written, bytes.length - written);
      fsyncSync(descriptor);
      closeSync(descriptor);
    } catch (caught) {
      try {
        closeSync(descriptor);
      } catch {
        // already closed
      }
      removeQuietly(temporary);
      throw caught;
    }
    return temporary;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Moves temporary to target only if target does not exist (a hard link fails on an existing name); false when the name is taken. */
function placeNew(temporary: string, target: string): boolean {
  try {
    linkSync(temporary, target);
  } catch (caught) {
    const code = (caught as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: the existence check is the best there is.
    if (exists(target)) return false;
    renameSync(temporary, target);
    return true;
  }
  unlinkSync(temporary);
  return true;
}

/** The renames in folder on disk too (POSIX; nothing where folders cannot be opened). */
function syncFolder(folder: string): void {
  try {
    const descriptor = openSync(folder, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // not supported here
  }
}

/** The first of weights-2.json, weights-3.json, … with neither a file nor a marker. */
function freeName(target: string): string {
  const extension = extname(target);
  const stem = target.slice(0, target.length - extension.length);
  for (let number = 2; number < 10_000; number++) {
    const candidate = `${stem}-${number}${extension}`;
    if (!exists(candidate) && !exists(candidate + MARKER_SUFFIX)) return candidate;
  }
  throw new SaveWeightsError(`training.saveWeights: no free name beside ${target}: give a new file name`);
}

/**
 * Writes parameters as .safetensors (F64, nn.Sequential names) or the documented JSON form, with
 * its marker; returns the absolute path written. A file at the path that the tool did not write
 * is kept: the weights go to a new name beside it and a line saying so is appended to warnings.
 */
export function saveWeights(path: string, baseDir: string, spec: MlpSpec, parameters: Float64Array, warnings?: string[]): string {
  const target = resolveDataPath(baseDir, path);
  const folder = dirname(target);
  mkdirSync(folder, { recursive: true });
  const bytes = target.endsWith('.safetensors') ? writeSafetensors(spec, parameters) : new TextEncoder().encode(JSON.stringify(weightsToJson(spec, parameters)));
  const temporary = writeTemporary(folder, basename(target), bytes);
  try {
    let written: string | undefined;
    if (refusal(target, path) === undefined) {
      if (exists(target)) {
        renameSync(temporary, target); // the tool's own earlier file, unchanged: replaced whole
        written = target;
      } else if (placeNew(temporary, target)) {
        written = target;
      }
    }
    if (written === undefined) {
      // A file the tool did not write took the name while training ran: it is kept, and the weights go beside it.
      while (written === undefined) {
        const candidate = freeName(target);
        if (placeNew(temporary, candidate)) written = candidate;
      }
      warnings?.push(`training.saveWeights: ${path} is a file this tool did not write, so it was kept; the trained weights are in ${written}`);
    }
    const marker: Marker = { writer: WRITER, file: basename(written), size: bytes.length, sha256: sha256(bytes) };
    const markerTemporary = writeTemporary(folder, basename(written + MARKER_SUFFIX), new TextEncoder().encode(JSON.stringify(marker, null, 1)));
    try {
      renameSync(markerTemporary, written + MARKER_SUFFIX);
    } catch (caught) {
      removeQuietly(markerTemporary);
      throw caught;
    }
    syncFolder(folder);
    return written;
  } finally {
    if (existsSync(temporary)) removeQuietly(temporary);
  }
}
