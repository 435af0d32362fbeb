import type { OptimizerName, Schedule } from '../optimizers';
import type { ActivationName } from './activations';
import type { InitName } from './init';
import type { LossName } from './losses';

/** A Python function named as "file.py:function", the file relative to the config's folder. */
export type PythonFunctionReference = `${string}.py:${string}`;

/** The `model` field of an experiment config: an MLP, or with `pytorch` the user's own PyTorch model. */
export interface ModelConfig {
  /** Widths [input, hidden…, output]; the input must match the data's features. Not used with `pytorch`. */
  layers: number[];
  /** One name for every hidden layer (the output layer is then linear), or one per layer. Default "tanh". */
  activation?: ActivationName | ActivationName[];
  /** Bias in every layer (default true); false gives a bias-free net (every zₗ = aₗ₋₁Wₗᵀ). */
  bias?: boolean;
  /** Default: softmax-cross-entropy for classes (sigmoid-bce for one output), mse for regression. PyTorch models also take "file.py:function". */
  loss?: LossName | PythonFunctionReference;
  /** Default "torch" (nn.Linear's own). */
  init?: InitName;
  /** Start from these weights: a .json (documented form) or .safetensors file, relative to the config; PyTorch models: .pt, .pth or .safetensors. */
  weights?: string;
  /** The user's PyTorch model: "file.py:function" returning an nn.Module (runs on the PyTorch backend). */
  pytorch?: PythonFunctionReference;
  /** PyTorch: missing or unexpected keys in `weights` are an error (default true). */
  strict?: boolean;
  /** PyTorch: convert the model and the data to this type; default the model's own. */
  dtype?: 'float64' | 'float32';
  /** PyTorch: BatchNorm and Dropout mode for every analysis (default "eval"). */
  mode?: 'eval' | 'train';
}

/** The gradient-norm window saddle detector (with its learning-rate boost) and the plateau analysis of the loss curve (detect/saddle-detector). */
export interface DetectorConfig {
  /** A saddle is flagged when the last `window` gradient norms are all below this (default 1e-4). */
  threshold?: number;
  window?: number;
  /** Learning-rate factor while a saddle is flagged (default 2; 1 turns the boost off). */
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
  /** Samples per step; absent or 0 means full batch (one gradient step per epoch). */
  batchSize?: number;
  /** Shuffle the rows every epoch (default true; mini-batch only). */
  shuffle?: boolean;
  optimizer?: { name: OptimizerName; lr?: number; schedule?: Schedule; [parameter: string]: unknown };
  detector?: DetectorConfig | false;
  earlyStopping?: EarlyStoppingConfig;
  /** Write the trained weights here (.json or .safetensors), relative to the config file's folder. */
  saveWeights?: string;
}
