import { gunzipSync } from 'node:zlib';
import { classificationSet, DataError, type Dataset } from './dataset';
import { formatBytes, readWholeFile } from './data-file';

/** Largest IDX file, and largest decompressed IDX, the loader reads. */
export const MAX_IDX_BYTES = 1024 * 1024 * 1024;

/** An IDX array (LeCun's MNIST format): unsigned bytes with their dimensions. */
export interface IdxArray {
  dimensions: number[];
  data: Uint8Array;
}

/**
 * Reads an IDX file (gzipped or not): magic 0x0000 08 d (unsigned byte, d dimensions), d
 * big-endian uint32 sizes, then the bytes. `field` names the config field in errors.
 */
export function readIdx(path: string, field: string): IdxArray {
  let bytes: Uint8Array = readWholeFile(path, field, MAX_IDX_BYTES);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES });
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DataError(`${field}: ${path} decompresses to more than ${formatBytes(MAX_IDX_BYTES)}; use a smaller file`);
      throw new DataError(`${field}: ${path} starts like a gzip file but does not decompress; download it again`);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`${field}: ${path} is not an IDX file (wrong magic number); expected e.g. train-images-idx3-ubyte(.gz)`);
  }
  if (bytes[2] !== 0x08) throw new DataError(`${field}: ${path} holds IDX type 0x${bytes[2].toString(16)}; only unsigned bytes (0x08) are supported`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions: number[] = [];
  for (let d = 0; d < rank; d++) dimensions.push(view.getUint32(4 + 4 * d));
  const start = 4 + 4 * rank;
  const size = dimensions.reduce((a, b) => a * b, 1);
  if (bytes.length < start + size) throw new DataError(`${field}: ${path} is truncated: its header promises ${size} bytes, it has ${bytes.length - start}`);
  return { dimensions, data: bytes.subarray(start, start + size) };
}

/**
 * An image set from IDX images (n × h × w, or n × features) and labels (n): pixels as numbers
 * 0…255, classes = largest label + 1 (at least 2), or `classes` when given; only the first
 * `limit` samples when given.
 */
export function loadIdxDataset(name: string, imagesPath: string, labelsPath: string, classes?: number, limit?: number): Dataset {
  const images = readIdx(imagesPath, 'data.images');
  const labels = readIdx(labelsPath, 'data.labels');
  if (images.dimensions.length < 2) throw new DataError(`data.images: ${imagesPath} has ${images.dimensions.length} dimension(s); an image file has 3 (count × rows × columns)`);
  if (labels.dimensions.length !== 1) throw new DataError(`data.labels: ${labelsPath} has ${labels.dimensions.length} dimensions; a label file has 1 (idx1-ubyte)`);
  const count = images.dimensions[0];
  if (labels.dimensions[0] !== count) {
    throw new DataError(`data.labels: ${labelsPath} has ${labels.dimensions[0]} labels but data.images has ${count} images; pair the matching files`);
  }
  const features = images.dimensions.slice(1).reduce((a, b) => a * b, 1);
  const rows = limit === undefined ? count : Math.min(count, limit);
  const labelBytes = labels.data.subarray(0, rows);
  let largest = 0;
  for (const label of labels.data) largest = Math.max(largest, label);
  const classCount = classes ?? Math.max(2, largest + 1);
  if (largest >= classCount) throw new DataError(`data.labels: label ${largest} is out of range for ${classCount} classes`);
  return classificationSet(name, Float64Array.from(images.data.subarray(0, rows * features)), features, Uint8Array.from(labelBytes), classCount);
}
