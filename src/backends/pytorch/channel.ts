/**
 * The transport under the backend's JSON-RPC connection: a bound on the size of one message, the
 * large arrays that travel as files beside the messages, and the error a broken channel fails the
 * run with (python/PROTOCOL.md, "Large arrays" and "Transport").
 *
 * A JSON text of hundreds of megabytes is more than Node can hold as one string, so the backend
 * writes every array of more than 1 MB of float64 to a file in a folder this side created and
 * sends `{"$array": {"file", "dtype": "float64", "shape"}}` in its place; the client reads each
 * file back into numbers and deletes it. Frames longer than MAX_MESSAGE_BYTES are refused before
 * they are buffered.
 */
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';

/** The longest message body either side accepts (the backend's limit is the same, rpc.py). */
export const MAX_MESSAGE_BYTES = 256 * 2 ** 20;
/** The longest header block of one frame (Content-Length and Content-Type take well under 100 bytes). */
const MAX_HEADER_BYTES = 8192;

/** The channel to the backend broke: a frame over the size limit, unreadable JSON, a bad array file, a closed stream. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * Passes the backend's output through unchanged while following its framing (headers, then
 * Content-Length bytes of body), and fails with a TransportError at the header of a frame whose
 * body would exceed `maxBytes`, so the reader never starts buffering it.
 */
export class FrameLimit extends Transform {
  private header = '';
  /** Body bytes of the current frame still to pass; -1 while reading headers. */
  private bodyLeft = -1;

  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      // Headers are ASCII: one byte per character.
      const end = chunk.indexOf('\r\n\r\n', offset, 'latin1');
      const wanted = end < 0 ? chunk.length : end + 4;
      const joined = this.header + chunk.toString('latin1', offset, wanted);
      const blockEnd = joined.indexOf('\r\n\r\n');
      if (blockEnd < 0) {
        // The end of the block may straddle two chunks: keep the tail and look again.
        if (joined.length > MAX_HEADER_BYTES) return done(new TransportError(`the backend wrote ${joined.length} bytes without a message header's end (not the protocol's framing)`));
        this.header = joined;
        offset = chunk.length;
        continue;
      }
      const consumed = blockEnd + 4 - this.header.length;
      const block = joined.slice(0, blockEnd);
      this.header = '';
      offset += consumed;
      const length = /(?:^|\r\n)content-length:\s*(\d+)\s*(?:\r\n|$)/i.exec(block)?.[1];
      if (length === undefined) continue; // vscode-jsonrpc's reader reports a header without Content-Length
      const size = Number(length);
      if (size > this.maxBytes) {
        return done(new TransportError(`the backend sent a message of ${(size / 2 ** 20).toFixed(0)} MB, over the limit of ${(this.maxBytes / 2 ** 20).toFixed(0)} MB`));
      }
      this.bodyLeft = size;
    }
    done(null, chunk);
  }
}

interface ArrayReference {
  file: string;
  dtype: string;
  shape: number[];
}

function isReference(value: unknown): value is { $array: ArrayReference } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$array';
}

/** Reads the backend's array files back into numbers; one folder per backend process. */
export class ArrayFolder {
  constructor(readonly path: string) {}

  /** `value` with every `$array` reference replaced by nested number arrays (NaN and ±Infinity become null, as JSON's); each file read is deleted. */
  resolve<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item === 'object' && item !== null) value[i] = this.walk(item);
      }
      return value;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (isReference(value)) return this.read(value.$array);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'object' && item !== null) record[key] = this.walk(item);
    }
    return record;
  }

  private read(reference: ArrayReference): unknown {
    const { file, dtype, shape } = reference ?? ({} as ArrayReference);
    if (typeof file !== 'string' || basename(file) !== file || file.startsWith('.')) throw new TransportError(`the backend referred to an array file ${JSON.stringify(file)} outside its folder`);
    if (dtype !== 'float64') throw new TransportError(`the backend's array file ${file} has dtype ${JSON.stringify(dtype)}; this client reads float64`);
    if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new TransportError(`the backend's array file ${file} has no valid shape: ${JSON.stringify(shape)}`);
    const path = join(this.path, file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new TransportError(`cannot read the backend's array file ${path}: ${(error as Error).message}`);
    }
    rmSync(path, { force: true });
    const count = shape.reduce((a, b) => a * b, 1);
    if (bytes.length !== count * 8) throw new TransportError(`the backend's array file ${file} holds ${bytes.length} bytes, not the ${count * 8} of shape [${shape.join(', ')}]`);
    const values = littleEndianDoubles(bytes);
    return nest(values, shape, 0, 0);
  }
}

/** The file's float64 values (little-endian, as the backend writes them). */
function littleEndianDoubles(bytes: Buffer): Float64Array {
  const count = bytes.length / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

/** The values of `shape` starting at `start` as nested arrays of numbers (null where not finite). */
function nest(values: Float64Array, shape: number[], depth: number, start: number): unknown[] {
  const length = shape[depth] ?? 0;
  const out: unknown[] = new Array(length);
  if (depth === shape.length - 1) {
    for (let i = 0; i < length; i++) {
      const v = values[start + i];
      out[i] = Number.isFinite(v) ? v : null;
    }
    return out;
  }
  const stride = shape.slice(depth + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < length; i++) out[i] = nest(values, shape, depth + 1, start + i * stride);
  return out;
}
