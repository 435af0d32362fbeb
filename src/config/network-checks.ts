import { previewCsv } from '../core/data/csv';
import { dataFileProblem } from '../core/data/data-file';
import { DataError } from '../core/data/dataset';
import { resolveDataPath, type DataConfig } from '../core/data/load';
import { OPTIMIZER_DEFAULTS } from '../core/optimizers';
import type { ConfigIssue, ExperimentConfig } from './types';

/** What the data will look like, when it can be known without loading it. */
interface DataShape {
  features?: number;
  /** Number of classes, or undefined for regression. */
  classes?: number;
  /** False when `classes` counts only the labels of the rows read (there may be more). */
  classesComplete?: boolean;
  regressionOutputs?: number;
  /** Data rows, when known (after `samples`). */
  rows?: number;
  /** Problems found in the data file, with the config path they belong to. */
  issues?: ConfigIssue[];
}

/** Rules for model, data and training that a schema cannot express: sizes against the data, files that must exist, list lengths. */
export function networkIssues(config: ExperimentConfig, baseDir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const error = (path: string, message: string) => issues.push({ path, message, severity: 'error' });
  const { model, data, training } = config;
  if (!model && !data && !training) return issues;
  if (!model) error('/model', 'network training needs "model": add e.g. {"layers": [2, 8, 2], "activation": "tanh"}');
  if (!data) error('/data', 'a model needs "data": add e.g. {"kind": "synthetic", "name": "xor"} or {"kind": "mnist-sample", "samples": 5000}');
  const missing = (path: string, file: string | undefined) => {
    const problem = file ? dataFileProblem(resolveDataPath(baseDir, file), path.slice(1).replaceAll('/', '.')) : undefined;
    if (problem) error(path, problem);
  };
  const needs: Record<string, string[]> = { synthetic: ['name'], idx: ['images', 'labels'], csv: ['path'], 'mnist-sample': [], pytorch: ['factory'] };
  for (const field of data ? (needs[data.kind] ?? []) : []) {
    if ((data as unknown as Record<string, unknown>)[field] === undefined) error('/data', `data of kind "${data!.kind}" needs "${field}"`);
  }
  if (data?.kind === 'csv' && (data.label === undefined) === (data.target === undefined)) error('/data', 'a CSV set needs exactly one of "label" (a class column) or "target" (numeric columns)');
  if (data?.kind === 'idx') {
    missing('/data/images', data.images);
    missing('/data/labels', data.labels);
  }
  if (data?.kind === 'csv') missing('/data/path', data.path);
  missing('/model/weights', model?.weights);
  const unreadable = issues.some((issue) => issue.severity === 'error');
  const optimizer = training?.optimizer;
  if (optimizer) {
    const allowed = new Set([...Object.keys(OPTIMIZER_DEFAULTS[optimizer.name] ?? {}), 'name', 'label', 'schedule']);
    for (const key of Object.keys(optimizer)) {
      if (!allowed.has(key)) error(`/training/optimizer/${key}`, `"${key}" is not a parameter of ${optimizer.name}: its parameters are ${[...allowed].filter((k) => k !== 'name').join(', ')}`);
    }
  }
  if (training?.optimizer?.name === 'newton' || training?.optimizer?.name === 'saddle-free-newton') {
    issues.push({ path: '/training/optimizer/name', message: 'Newton methods build the dense Hessian: only practical for networks with a few hundred parameters', severity: 'warning' });
  }
  // A PyTorch model's shapes are known only to Python: the backend checks them (config/pytorch-checks.ts checks its files).
  if (!model || !data || model.pytorch) return issues;
  const directions = config.analyses?.landscape?.directions;
  if (!training && (directions === 'pca' || directions === 'interpolation')) {
    error('/analyses/landscape/directions', `"${directions}" directions follow the training path, and without a "training" section the model does not train: add "training", or use "random" or "hessian" directions`);
  }
  const layers = model.layers;
  if (layers && Array.isArray(model.activation) && model.activation.length !== layers.length - 1) {
    error('/model/activation', `${model.activation.length} activations for ${layers.length - 1} layers: give one per layer, or one name for every hidden layer`);
  }
  // A data file that is missing, a folder or a device is reported above; read only readable ones.
  const shape = unreadable ? {} : dataShape(data, baseDir);
  issues.push(...(shape.issues ?? []));
  const testFraction = data.testFraction ?? 0.2;
  const tooFewRows = shape.rows !== undefined && shape.rows < 2;
  if (shape.rows !== undefined && testFraction > 0 && (shape.rows < 2 || Math.max(1, Math.floor(shape.rows * testFraction)) >= shape.rows)) {
    const rows = shape.rows === 1 ? 'only one data row' : `${shape.rows} data rows`;
    error(shape.rows < 2 ? '/data/path' : '/data/testFraction', `the data has ${rows}: a test fraction of ${testFraction} leaves nothing to train on; add rows, or set data.testFraction to 0 to train on everything`);
  }
  if (layers && shape.features !== undefined && layers[0] !== shape.features) {
    error('/model/layers/0', `the data has ${shape.features} features, so the first width must be ${shape.features} (it is ${layers[0]})`);
  }
  const outputs = layers?.[layers.length - 1];
  if (!tooFewRows && outputs !== undefined && shape.classes !== undefined && outputs !== shape.classes && !(shape.classes === 2 && outputs === 1)) {
    if (shape.classesComplete === false) {
      if (shape.classes > outputs && !(shape.classes === 2 && outputs === 1)) error(`/model/layers/${layers!.length - 1}`, `the data has at least ${shape.classes} classes in its first rows, so the last width must be at least ${shape.classes} (it is ${outputs})`);
    } else {
      error(`/model/layers/${layers!.length - 1}`, `the data has ${shape.classes} classes, so the last width must be ${shape.classes}${shape.classes === 2 ? ' (or 1 with sigmoid-bce)' : ''} (it is ${outputs})`);
    }
  }
  if (outputs !== undefined && shape.regressionOutputs !== undefined && outputs !== shape.regressionOutputs) {
    error(`/model/layers/${layers!.length - 1}`, `the data has ${shape.regressionOutputs} target column(s), so the last width must be ${shape.regressionOutputs} (it is ${outputs})`);
  }
  if (shape.regressionOutputs === 1 && model.loss === 'softmax-cross-entropy') {
    error('/model/loss', 'softmax-cross-entropy needs a class column (data.label) or several one-hot target columns, not one numeric target: use "mse"');
  }
  return issues;
}

function dataShape(data: DataConfig, baseDir: string): DataShape {
  switch (data.kind) {
    case 'mnist-sample':
      return { features: 784, classes: 10 };
    case 'synthetic':
      if (data.name === 'sum-of-squares') return { features: data.dimension ?? 2, regressionOutputs: 1 };
      if (data.name === 'blobs') return { features: data.dimension ?? 2, classes: data.classes ?? 3 };
      return { features: 2, classes: 2 };
    case 'csv':
      return csvShape(data, baseDir);
    case 'idx':
    case 'pytorch':
      return {};
  }
}

/** The shape of a CSV from a bounded read of its start: features by name (not columns minus one), classes, rows; its problems as issues. */
function csvShape(data: DataConfig & { kind: 'csv' }, baseDir: string): DataShape {
  const path = resolveDataPath(baseDir, data.path);
  try {
    const preview = previewCsv(path, { label: data.label, target: data.target });
    const rows = preview.complete ? Math.min(preview.rows, data.samples ?? Infinity) : undefined;
    if (preview.classes === undefined) return { features: preview.features, regressionOutputs: preview.targets, rows };
    const classes = preview.complete ? Math.max(2, preview.classes) : preview.classes;
    return { features: preview.features, classes, classesComplete: preview.complete, rows };
  } catch (caught) {
    if (!(caught instanceof DataError)) throw caught;
    return { issues: [dataIssue(caught)] };
  }
}

/** A DataError ("data.label: …") as an issue at its field's JSON pointer (/data/label). */
function dataIssue(error: DataError): ConfigIssue {
  const match = /^(data(?:\.\w+)?|model\.weights): /.exec(error.message);
  const path = match ? `/${match[1].replaceAll('.', '/')}` : '/data';
  return { path, message: match ? error.message.slice(match[0].length) : error.message, severity: 'error' };
}
