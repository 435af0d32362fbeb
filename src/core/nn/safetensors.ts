import { DataError } from '../data/dataset';
import type { LoadedWeights } from './weights';
import { mlpLayout, type MlpSpec } from './layout';

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/**
 * Reads a .safetensors file (8-byte little-endian header length, JSON header, raw tensors) as
 * PyTorch writes an nn.Sequential of Linear layers: "<index>.weight" [out, in] and
 * "<index>.bias" [out], in index order; F64, F32, F16 and BF16 tensors.
 */
export function readSafetensors(bytes: Uint8Array, source: string): LoadedWeights {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new DataError(`model.weights: ${source} is too short to be a .safetensors file`);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new DataError(`model.weights: ${source} is not a .safetensors file (its header length ${headerLength} exceeds the file)`);
  let header: Record<string, TensorEntry>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new DataError(`model.weights: ${source} has an unreadable .safetensors header`);
  }
  const dataStart = 8 + headerLength;
  const tensor = (name: string): Float64Array => {
    const entry = header[name];
    const size = BYTES[entry.dtype];
    if (!size) throw new DataError(`model.weights: tensor "${name}" of ${source} has dtype ${entry.dtype}; save it as F64, F32, F16 or BF16 (e.g. model.double() before save_file)`);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = entry.data_offsets;
    if (end - begin !== count * size || dataStart + end > bytes.length) throw new DataError(`model.weights: tensor "${name}" of ${source} has inconsistent offsets`);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = readScalar(view, dataStart + begin + i * size, entry.dtype);
    return out;
  };
  const prefixes = [...new Set(Object.keys(header).filter((key) => key.endsWith('.weight')).map((key) => key.slice(0, -'.weight'.length)))];
  prefixes.sort((a, b) => compareIndexPaths(a, b));
  if (prefixes.length === 0) throw new DataError(`model.weights: ${source} holds no "*.weight" tensors; save an nn.Sequential of nn.Linear layers`);
  const layers = prefixes.map((prefix) => {
    const shape = header[`${prefix}.weight`].shape;
    if (shape.length !== 2) throw new DataError(`model.weights: "${prefix}.weight" of ${source} has shape [${shape}]; a Linear weight is [out, in]`);
    const bias = header[`${prefix}.bias`] ? tensor(`${prefix}.bias`) : undefined;
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
