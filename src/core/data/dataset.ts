import type { Random } from '../random';

/**
 * A data set in memory, row-major: inputs rows × features, targets rows × outputs. A
 * classification set also holds its class labels (targets are then their one-hot codes).
 */
export interface Dataset {
  name: string;
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
  features: number;
  outputs: number;
  /** Class index per row, for classification sets. */
  labels?: Uint8Array | Uint16Array;
  /** Number of classes, for classification sets. */
  classes?: number;
  /** Class names, when the file named them (CSV). */
  classNames?: string[];
}

/** A problem a user can cause with a data file or a data config; the message names the field and the fix. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** A classification set from features and labels: targets[i, labels[i]] = 1 (one-hot). */
export function classificationSet(name: string, inputs: Float64Array, features: number, labels: Uint8Array | Uint16Array, classes: number, classNames?: string[]): Dataset {
  const rows = labels.length;
  const targets = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) targets[i * classes + labels[i]] = 1;
  return { name, inputs, targets, rows, features, outputs: classes, labels, classes, classNames };
}

/** The rows of a data set at the given indices, in that order (a copy). */
export function selectRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const rows = indices.length;
  const inputs = new Float64Array(rows * data.features);
  const targets = new Float64Array(rows * data.outputs);
  const labels = data.labels ? new (data.labels.constructor as Uint8ArrayConstructor)(rows) : undefined;
  for (let i = 0; i < rows; i++) {
    const source = indices[i];
    inputs.set(data.inputs.subarray(source * data.features, (source + 1) * data.features), i * data.features);
    targets.set(data.targets.subarray(source * data.outputs, (source + 1) * data.outputs), i * data.outputs);
    if (labels && data.labels) labels[i] = data.labels[source];
  }
  return { ...data, inputs, targets, rows, labels };
}

/** The first n rows (all when n is undefined or larger). */
export function firstRows(data: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= data.rows) return data;
  return selectRows(data, Array.from({ length: n }, (_, i) => i));
}

/** A seeded split: a random permutation, the last ⌊rows·testFraction⌋ rows (at least one when testFraction > 0) held out. */
export function splitDataset(data: Dataset, testFraction: number, random: Random): { train: Dataset; test?: Dataset } {
  if (testFraction <= 0) return { train: data };
  const testRows = Math.max(1, Math.floor(data.rows * testFraction));
  if (data.rows < 2) throw new DataError(`data: "${data.name}" has ${data.rows === 1 ? 'only one row' : 'no rows'}: a test split needs at least 2 (one to train on, one to test); add rows, or set data.testFraction to 0 to train on everything`);
  if (testRows >= data.rows) throw new DataError(`data.testFraction ${testFraction} leaves no training rows out of ${data.rows}: use a value below 1`);
  const order = random.permutation(data.rows);
  return { train: selectRows(data, order.subarray(0, data.rows - testRows)), test: selectRows(data, order.subarray(data.rows - testRows)) };
}

/** Preprocessing names: `standardize` (x − μ)/σ per feature (as scikit-learn's StandardScaler), `unit` min–max to [0, 1] per feature, `none`. */
export const PREPROCESS_NAMES = ['standardize', 'unit', 'none'] as const;
export type PreprocessName = (typeof PREPROCESS_NAMES)[number];

/**
 * Fits the per-feature transform on `fit` and applies it in place to every set given: standardize
 * x ↦ (x − μ)/σ (σ = 0 ↦ 1, as StandardScaler does), unit x ↦ (x − min)/(max − min).
 */
export function preprocess(name: PreprocessName, fit: Dataset, ...apply: Dataset[]): void {
  if (name === 'none') return;
  const { features, rows } = fit;
  const shift = new Float64Array(features);
  const scale = new Float64Array(features).fill(1);
  if (name === 'standardize') {
    for (let i = 0; i < rows; i++) for (let j = 0; j < features; j++) shift[j] += fit.inputs[i * features + j] / rows;
    const variance = new Float64Array(features);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < features; j++) {
        const d = fit.inputs[i * features + j] - shift[j];
        variance[j] += (d * d) / rows;
      }
    }
    for (let j = 0; j < features; j++) scale[j] = variance[j] > 0 ? Math.sqrt(variance[j]) : 1;
  } else {
    const max = new Float64Array(features).fill(-Infinity);
    shift.fill(Infinity);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < features; j++) {
        const v = fit.inputs[i * features + j];
        shift[j] = Math.min(shift[j], v);
        max[j] = Math.max(max[j], v);
      }
    }
    for (let j = 0; j < features; j++) scale[j] = max[j] > shift[j] ? max[j] - shift[j] : 1;
  }
  for (const data of apply) {
    for (let i = 0; i < data.rows; i++) for (let j = 0; j < features; j++) data.inputs[i * features + j] = (data.inputs[i * features + j] - shift[j]) / scale[j];
  }
}

/**
 * Targets for a network with `outputs` outputs: the set's own targets when they fit, or for a
 * two-class set and one output the label as a 0/1 column (binary cross-entropy, a sigmoid output).
 */
export function fitTargets(data: Dataset, outputs: number): Dataset {
  if (outputs === data.outputs) return data;
  if (data.classes === 2 && outputs === 1 && data.labels) {
    return { ...data, targets: Float64Array.from(data.labels), outputs: 1 };
  }
  const what = data.classes ? `${data.classes} classes` : `${data.outputs} target columns`;
  throw new DataError(`the network has ${outputs} outputs but the data "${data.name}" has ${what}: set the last entry of model.layers to ${data.outputs}`);
}
