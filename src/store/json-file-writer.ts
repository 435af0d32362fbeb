/**
 * Writes a JSON value to a file piece by piece, so that results larger than the longest string
 * JavaScript can hold (about 512 M characters) still save. The text is what JSON.stringify gives
 * (compact): undefined members are left out, undefined array items and non-finite numbers are null.
 * The writing is a generator that pauses after each write to the file, so a caller can let its event
 * loop run between writes (the CLI answers Ctrl+C while it saves); writeJsonFile runs it to the end.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Bytes gathered before one write to the file. */
const BUFFER_CHARACTERS = 1 << 20;
/** Array items stringified at once when they are numbers or short arrays. */
const CHUNK_ITEMS = 8192;
/** An array item counts as small (stringified with its neighbours) up to this many numbers. */
const SMALL_ITEM_LENGTH = 64;

/** Text appended to a file in large writes. */
export class FileTextSink {
  private readonly descriptor: number;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(path: string) {
    this.descriptor = openSync(path, 'wx');
  }

  /** Appends `text`; true when this wrote the gathered text to the file. */
  write(text: string): boolean {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength < BUFFER_CHARACTERS) return false;
    this.flush();
    return true;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.descriptor, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }

  /** Writes what is pending and closes the file (also after an error, so no descriptor leaks). */
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.descriptor);
    }
  }
}

/** True for a number, string, boolean, null, or an array of at most SMALL_ITEM_LENGTH of those. */
function isSmall(item: unknown): boolean {
  if (item === null || typeof item !== 'object') return true;
  return Array.isArray(item) && item.length <= SMALL_ITEM_LENGTH && item.every((inner) => inner === null || typeof inner !== 'object');
}

/** A writing that pauses (yields) after each write to the file. */
export type WriteSteps = Generator<void, void, void>;

/** Runs a writing to its end at once. */
export function finish(steps: WriteSteps): void {
  for (let step = steps.next(); !step.done; step = steps.next());
}

/** Appends the JSON text of `value` to `sink`, recursing into objects and long arrays. */
export function writeJson(sink: FileTextSink, value: unknown): void {
  finish(writeJsonSteps(sink, value));
}

/** writeJson, pausing after each write to the file. */
export function* writeJsonSteps(sink: FileTextSink, value: unknown): WriteSteps {
  if (value === null || typeof value !== 'object') {
    if (sink.write(JSON.stringify(value ?? null) ?? 'null')) yield;
    return;
  }
  if (Array.isArray(value)) {
    yield* writeArray(sink, value);
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (sink.write(JSON.stringify(value))) yield;
    return;
  }
  sink.write('{');
  let first = true;
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || typeof member === 'function') continue;
    if (sink.write(`${first ? '' : ','}${JSON.stringify(key)}:`)) yield;
    yield* writeJsonSteps(sink, member);
    first = false;
  }
  if (sink.write('}')) yield;
}

/** An array: runs of small items stringified CHUNK_ITEMS at a time, large items one by one. */
function* writeArray(sink: FileTextSink, items: unknown[]): WriteSteps {
  sink.write('[');
  let index = 0;
  while (index < items.length) {
    if (index > 0) sink.write(',');
    let end = index;
    while (end < items.length && end - index < CHUNK_ITEMS && isSmall(items[end])) end++;
    if (end > index) {
      if (sink.write(JSON.stringify(items.slice(index, end)).slice(1, -1))) yield;
      index = end;
    } else {
      yield* writeJsonSteps(sink, items[index]);
      index++;
    }
  }
  if (sink.write(']')) yield;
}

/** Writes `value` as JSON to a new file at `path` (refuses to replace one). */
export function writeJsonFile(path: string, value: unknown): void {
  finish(writeJsonFileSteps(path, value));
}

/** writeJsonFile, pausing after each write to the file. */
export function* writeJsonFileSteps(path: string, value: unknown): WriteSteps {
  const sink = new FileTextSink(path);
  try {
    yield* writeJsonSteps(sink, value);
  } finally {
    sink.close();
  }
}
