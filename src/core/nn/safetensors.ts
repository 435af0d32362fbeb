import { DataError } from '../data/dataset';
import type { LoadedWeights } from './weights';
import { mlpLayout, type MlpSpec } from './layout';

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A tensor of a checked header: its dtype, shape and byte range [begin, end) in the file's data. */
export interface SafetensorsTensor {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Largest header read (the format's own reader refuses the same size). */
export const SAFETENSORS_HEADER_LIMIT = 100 * 1024 * 1024;

/** Bytes per element of every dtype the format defines; any other dtype is refused. */
const DTYPE_SIZES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };

/** The dtypes the reader turns into numbers. */
const READABLE = new Set(['F64', 'F32', 'F16', 'BF16']);

/** Bytes a shape of items needs, or limit + 1 as soon as the product passes limit (a claimed 10⁹ × 10⁹ shape costs nothing to refuse). */
function claimedBytes(shape: number[], itemSize: number, limit: number): number {
  if (shape.includes(0)) return 0;
  let total = itemSize;
  for (const extent of shape) {
    total *= extent;
    if (total > limit) return limit + 1;
  }
  return total;
}

const isWholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * The tensors a .safetensors file declares and where its data starts, checked against the file
 * before anything is allocated: a header length inside the file (and at most 100 MB), a JSON
 * object, dtypes the format defines, shapes of whole numbers ≥ 0, data_offsets [begin, end] with
 * 0 ≤ begin ≤ end ≤ the data's length, end − begin = product(shape) × the dtype's size, and no two
 * tensors sharing bytes. Throws a DataError naming model.weights, the file and what is wrong.
 */
export function safetensorsHeader(bytes: Uint8Array, source: string): { tensors: Map<string, SafetensorsTensor>; dataStart: number } {
  const fail = (why: string): never => {
    throw new DataError(`model.weights: ${source} is not a valid .safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, shorter than the 8-byte header length that starts a .safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(bytes.length - 8)) fail(`its header length ${claimed} runs past the end of the file (${bytes.length} bytes): the file is truncated or not .safetensors`);
  const headerLength = Number(claimed);
  if (headerLength > SAFETENSORS_HEADER_LIMIT) fail(`its header length ${headerLength} is above the ${SAFETENSORS_HEADER_LIMIT}-byte limit of .safetensors headers`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (caught) {
    return fail(`its header is not JSON (${(caught as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail(`its header is ${Array.isArray(header) ? 'an array' : `${header}`}, not an object of tensors`);
  const dataStart = 8 + headerLength;
  const body = bytes.length - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('its __metadata__ is not an object');
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info)) return fail(`tensor "${name}" is not described by {"dtype", "shape", "data_offsets"}`);
    const { dtype, shape, data_offsets: offsets } = info as Partial<Record<keyof TensorEntry, unknown>>;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_SIZES, dtype)) return fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}, which the format does not define`);
    if (!Array.isArray(shape) || !shape.every((extent) => isWholeNumber(extent) && extent >= 0)) return fail(`tensor "${name}" has shape ${JSON.stringify(shape)}: a shape is a list of whole numbers ≥ 0`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isWholeNumber)) return fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}: data_offsets are two whole numbers [begin, end]`);
    const [begin, end] = offsets as [number, number];
    if (!(0 <= begin && begin <= end && end <= body)) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] outside the file's ${body} bytes of tensor data: the file is truncated or damaged`);
    const needed = claimedBytes(shape as number[], DTYPE_SIZES[dtype], body);
    if (needed !== end - begin) fail(`tensor "${name}" of shape [${shape.join(', ')}] and dtype ${dtype} needs ${needed > body ? `more than the file's ${body} bytes of tensor data` : `${needed} bytes`}, but its data_offsets [${begin}, ${end}] hold ${end - begin}`);
    tensors.set(name, { dtype, shape: shape as number[], begin, end });
  }
  let previous: [string, number] | undefined;
  for (const [name, tensor] of [...tensors].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end)) {
    if (previous && tensor.begin < previous[1]) fail(`tensors "${previous[0]}" and "${name}" share bytes (data_offsets overlap): the file is damaged`);
    if (!previous || tensor.end >= previous[1]) previous = [name, tensor.end];
  }
  return { tensors, dataStart };
}

/**
 * Reads a .safetensors file (8-byte little-endian header length, JSON header, raw tensors) as
 * PyTorch writes an nn.Sequential of Linear layers: "<index>.weight" [out, in] and
 * "<index>.bias" [out], in index order; F64, F32, F16 and BF16 tensors. The header is checked
 * (safetensorsHeader) before any tensor is read.
 */
export function readSafetensors(bytes: Uint8Array, source: string): LoadedWeights {
  const { tensors, dataStart } = safetensorsHeader(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensor = (name: string): Float64Array => {
    const entry = tensors.get(name)!;
    if (!READABLE.has(entry.dtype)) throw new DataError(`model.weights: tensor "${name}" of ${source} has dtype ${entry.dtype}; save it as F64, F32, F16 or BF16 (e.g. model.double() before save_file)`);
    const size = DTYPE_SIZES[entry.dtype];
    const count = (entry.end - entry.begin) / size;
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = readScalar(view, dataStart + entry.begin + i * size, entry.dtype);
    return out;
  };
  const prefixes = [...new Set([...tensors.keys()].filter((key) => key.endsWith('.weight')).map((key) => key.slice(0, -'.weight'.length)))];
  prefixes.sort((a, b) => compareIndexPaths(a, b));
  if (prefixes.length === 0) throw new DataError(`model.weights: ${source} holds no "*.weight" tensors; save an nn.Sequential of nn.Linear layers`);
  const layers = prefixes.map((prefix) => {
    const shape = tensors.get(`${prefix}.weight`)!.shape;
    if (shape.length !== 2) throw new DataError(`model.weights: "${prefix}.weight" of ${source} has shape [${shape}]; a Linear weight is [out, in]`);
    const bias = tensors.has(`${prefix}.bias`) ? tensor(`${prefix}.bias`) : undefined;
    return { outputs: shape[0], inputs: shape[1], weight: tensor(`${prefix}.weight`), bias };
  });
  return { layers };
}

function readScalar(view: DataView, offset: number, dtype: string): number {
  switch (dtype) {
    case 'F64':
      return view.getFloat64(offset, true);
    case 'F32':
      return view.getFloat32(offset, true);
    case 'BF16':
      return new Float32Array(new Uint32Array([view.getUint16(offset, true) << 16]).buffer)[0];
    default:
      return halfToNumber(view.getUint16(offset, true));
  }
}

/** IEEE 754 binary16 → number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Orders "0", "2", "10", "net.1" by their numeric parts, as nn.Sequential numbers its modules. */
function compareIndexPaths(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const na = Number(pa[i]);
    const nb = Number(pb[i]);
    const order = Number.isFinite(na) && Number.isFinite(nb) ? na - nb : pa[i].localeCompare(pb[i]);
    if (order !== 0) return order;
  }
  return pa.length - pb.length;
}

/** A .safetensors file of the parameters as nn.Sequential(Linear, act, Linear, …) names them ("0.weight", "2.weight", …), F64. */
export function writeSafetensors(spec: MlpSpec, parameters: Float64Array): Uint8Array {
  const header: Record<string, TensorEntry | Record<string, string>> = { __metadata__: { format: 'pt' } };
  const chunks: Float64Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], data: Float64Array) => {
    header[name] = { dtype: 'F64', shape, data_offsets: [offset, offset + data.length * 8] };
    chunks.push(data);
    offset += data.length * 8;
  };
  mlpLayout(spec).layers.forEach((layer, l) => {
    add(`${2 * l}.weight`, [layer.outputs, layer.inputs], parameters.subarray(layer.weightOffset, layer.weightOffset + layer.outputs * layer.inputs));
    if (layer.biasOffset >= 0) add(`${2 * l}.bias`, [layer.outputs], parameters.subarray(layer.biasOffset, layer.biasOffset + layer.outputs));
  });
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) view.setFloat64(position + 8 * i, chunk[i], true);
    position += chunk.length * 8;
  }
  return out;
}
