/**
 * The config of a quick optimizer race (the Optimizer Race command and the side view's controls),
 * and the part of a config each focused command runs. No `vscode` here.
 */
import type { ExperimentConfig, OptimizerConfig } from '../../../config/types';
import type { OptimizerName } from '../../../core/optimizers';
import type { SurfaceName } from '../../../core/surfaces/catalog';

/**
 * Learning rates of a quick race: torch's defaults (1e-3 for SGD and Adam) barely move in 100
 * steps on a 2-D surface, so a race uses rates at which the seed's saddle shows each method's
 * character; a config file sets any rate it wants.
 */
export const RACE_LEARNING_RATES: Record<OptimizerName, number> = {
  sgd: 0.05,
  adam: 0.05,
  adamw: 0.05,
  rmsprop: 0.01,
  adagrad: 0.3,
  newton: 1,
  'saddle-free-newton': 1,
  'noisy-gd': 0.05,
  'perturbed-gd': 0.05,
};

export interface RaceRequest {
  surface: SurfaceName;
  optimizers: OptimizerName[];
  start: [number, number];
  steps?: number;
}

/** The experiment config of a quick race: the surface, one entry per optimizer with its race learning rate. */
export function raceConfig(request: RaceRequest): ExperimentConfig {
  const optimizers: OptimizerConfig[] = request.optimizers.map((name) => ({ name, lr: RACE_LEARNING_RATES[name] }));
  return {
    name: `race on ${request.surface}`,
    surface: { name: request.surface },
    start: request.start,
    steps: request.steps ?? 100,
    optimizers,
  };
}

/** "x, y" or "x y" → [x, y]; undefined when it is not two finite numbers. */
export function parseStartPoint(text: string): [number, number] | undefined {
  const parts = text.trim().replace(/^\(|\)$/g, '').split(/[\s,;]+/).filter((part) => part !== '');
  if (parts.length !== 2) return undefined;
  const numbers = parts.map(Number);
  return numbers.every(Number.isFinite) ? [numbers[0], numbers[1]] : undefined;
}

/** The config restricted to its optimizer at `index` ("▶ Run only this"), named after it. */
export function onlyOptimizer(config: ExperimentConfig, index: number): ExperimentConfig {
  const entry = config.optimizers?.[index];
  if (!entry) throw new Error(`the config has no optimizer at index ${index}`);
  return { ...config, name: `${config.name} - ${entry.label ?? entry.name}`, optimizers: [entry] };
}

export type FocusedPart = 'train' | 'hessian' | 'landscape' | 'saddles';

/**
 * The config a focused command runs: the sections it needs and none of the other analyses; or
 * a message naming the section to add. Network sections (model, training, analyses) come from
 * the network issues; a surface config runs its race and critical points for "saddles".
 */
export function focusConfig(config: ExperimentConfig, part: FocusedPart): { config: ExperimentConfig } | { error: string } {
  const raw = config as ExperimentConfig & { model?: unknown; training?: { detector?: unknown }; analyses?: Record<string, unknown> };
  const analyses = raw.analyses ?? {};
  const keepAnalysis = (name: string) => ({ config: { ...raw, analyses: { [name]: analyses[name] } } as ExperimentConfig });
  switch (part) {
    case 'train':
      // A model trains with the default training settings when the config has no "training" section.
      if (!raw.model) return { error: `"${config.name}" has no network to train: add "model" and "data" sections (New Experiment from Template has a network example)` };
      return { config: { ...raw, analyses: undefined } as ExperimentConfig };
    case 'hessian':
      if (!analyses.hessian) return { error: `"${config.name}" asks for no Hessian analysis: add "analyses": {"hessian": {"top": 10}} (on a surface or a model)` };
      return keepAnalysis('hessian');
    case 'landscape':
      if (!analyses.landscape) return { error: `"${config.name}" asks for no loss landscape: add "analyses": {"landscape": {"dimensions": 2}} (on a surface or a model)` };
      return keepAnalysis('landscape');
    case 'saddles':
      if (raw.surface) return { config: { ...raw, criticalPoints: true } };
      // The gradient-norm detector is on in training unless the config turns it off.
      if (raw.model && raw.training?.detector !== false) return { config: { ...raw, analyses: undefined } as ExperimentConfig };
      if (raw.model) return { error: `"${config.name}" turns the saddle detector off: set "training": {"detector": true} (or its settings) to search for saddles while training` };
      return { error: `"${config.name}" has nothing to search for saddles: add a "surface", or a network ("model", "data") whose training keeps the detector on` };
  }
}
