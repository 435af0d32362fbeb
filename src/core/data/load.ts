import { isAbsolute, resolve } from 'node:path';
import { Random } from '../random';
import { loadCsvDataset } from './csv';
import { DataError, firstRows, preprocess, splitDataset, type Dataset, type PreprocessName } from './dataset';
import { loadIdxDataset } from './idx';
import { loadMnistSample } from './mnist-sample';
import { syntheticDataset, type SyntheticName } from './synthetic';

/** Fields every data config may carry. */
interface CommonDataConfig {
  /** Keep only the first n samples. */
  samples?: number;
  /** Fraction held out as the test set (seeded split); default 0.2. */
  testFraction?: number;
  /** Default: `standardize` for images (mnist-sample, idx), `none` otherwise. */
  preprocess?: PreprocessName;
}

/** The `data` field of an experiment config. */
export type DataConfig =
  | (CommonDataConfig & { kind: 'synthetic'; name: SyntheticName; noise?: number; dimension?: number; classes?: number })
  | (CommonDataConfig & { kind: 'mnist-sample' })
  | (CommonDataConfig & { kind: 'idx'; images: string; labels: string })
  | (CommonDataConfig & { kind: 'csv'; path: string; label?: string; target?: string | string[] })
  /** The user's Python function returning (inputs, targets) or a Dataset: PyTorch models only (the PyTorch backend reads it). */
  | (CommonDataConfig & { kind: 'pytorch'; factory: `${string}.py:${string}`; batchSize?: number });

/** A training set and, when testFraction > 0, a test set. */
export interface DataSplit {
  train: Dataset;
  test?: Dataset;
}

/** A path of the config resolved against the config file's folder. */
export function resolveDataPath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Loads the data a config names: read, keep the first `samples`, split (seeded), preprocess fitted on the training rows. */
export function loadData(config: DataConfig, baseDir: string, seed: number): DataSplit {
  const all = firstRows(readData(config, baseDir, seed), config.samples);
  const split = splitDataset(all, config.testFraction ?? 0.2, new Random(seed + 1));
  const images = config.kind === 'mnist-sample' || config.kind === 'idx';
  const sets = split.test ? [split.train, split.test] : [split.train];
  preprocess(config.preprocess ?? (images ? 'standardize' : 'none'), split.train, ...sets);
  return split;
}

function readData(config: DataConfig, baseDir: string, seed: number): Dataset {
  switch (config.kind) {
    case 'synthetic':
      return syntheticDataset(config.name, { samples: config.samples, noise: config.noise, dimension: config.dimension, classes: config.classes }, seed);
    case 'mnist-sample':
      return loadMnistSample(config.samples);
    case 'idx':
      return loadIdxDataset('idx', resolveDataPath(baseDir, config.images), resolveDataPath(baseDir, config.labels), undefined, config.samples);
    case 'csv':
      return loadCsvDataset(resolveDataPath(baseDir, config.path), { label: config.label, target: config.target });
    case 'pytorch':
      throw new DataError(`data.factory: "${config.factory}" is read by the PyTorch backend; data of kind "pytorch" needs a PyTorch model (model.pytorch)`);
  }
}
