import type { OptimizerName, Schedule } from '../optimizers';
import type { ActivationName } from './activations';
import type { InitName } from './init';
import type { LossName } from './losses';

/** The `model` field of an experiment config: an MLP. */
export interface ModelConfig {
  /** Widths [input, hidden…, output]; the input must match the data's features. */
  layers: number[];
  /** One name for every hidden layer (the output layer is then linear), or one per layer. Default "tanh". */
  activation?: ActivationName | ActivationName[];
  /** Bias in every layer (default true); false gives the seed's bias-free net. */
  bias?: boolean;
  /** Default: softmax-cross-entropy for classes (sigmoid-bce for one output), mse for regression. */
  loss?: LossName;
  /** Default "torch" (nn.Linear's own). */
  init?: InitName;
  /** Start from these weights: a .json (documented form) or .safetensors file, relative to the config. */
  weights?: string;
}

/** The gradient-norm window detector of the seed's slide 13 and the plateau analysis of slide 12. */
export interface DetectorConfig {
  /** A saddle is flagged when the last `window` gradient norms are all below this (default 1e-4). */
  threshold?: number;
  window?: number;
  /** Learning-rate factor while a saddle is flagged (default 2, the seed's; 1 turns the boost off). */
  boost?: number;
  /** |d loss / d epoch| below this marks a plateau epoch (default 1e-3). */
  plateauThreshold?: number;
}

export interface EarlyStoppingConfig {
  /** Stop after this many epochs without the training loss improving by more than minDelta. */
  patience: number;
  minDelta?: number;
}

/** The `training` field of an experiment config. */
export interface TrainingConfig {
  epochs?: number;
  /** Samples per step; absent or 0 means full batch (slide 7). */
  batchSize?: number;
  /** Shuffle the rows every epoch (default true; mini-batch only). */
  shuffle?: boolean;
  optimizer?: { name: OptimizerName; lr?: number; schedule?: Schedule; [parameter: string]: unknown };
  detector?: DetectorConfig | false;
  earlyStopping?: EarlyStoppingConfig;
  /** Write the trained weights here (.json or .safetensors), relative to the config file's folder. */
  saveWeights?: string;
}
