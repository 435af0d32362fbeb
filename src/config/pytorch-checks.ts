/**
 * Rules for PyTorch configs (model.pytorch) a schema cannot express: the Python files exist and
 * define the named function (a light parse: a top-level `def name(` or `class name`, no import),
 * data of kind "pytorch" goes with a PyTorch model and only with one, checkpoint files exist, the
 * cluster's scheduler address is well formed and its TLS files exist (cluster-address.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import fastGlob from 'fast-glob';
import { resolveDataPath } from '../core/data/load';
import { clusterIssues } from './cluster-address';
import type { ConfigIssue, ExperimentConfig } from './types';

/** "file.py:function" split into the file (resolved against the config's folder) and the function. */
export function parseFunctionReference(reference: string, baseDir: string): { file: string; name: string } {
  const colon = reference.lastIndexOf(':');
  return { file: resolveDataPath(baseDir, reference.slice(0, colon)), name: reference.slice(colon + 1) };
}

/** Whether Python source defines `name` at top level: `def name(`, `async def name(` or `class name`. */
export function definesTopLevel(source: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:async\\s+)?def\\s+${escaped}\\s*\\(|^class\\s+${escaped}\\s*[(:]`, 'm').test(source);
}

/** The function names defined at top level of a Python source, in order (for quick picks). */
export function topLevelFunctions(source: string): string[] {
  return [...source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(|^class\s+([A-Za-z_][A-Za-z0-9_]*)\s*[(:]/gm)].map((match) => match[1] ?? match[2]);
}

/** An error when a "file.py:function" reference names a missing file or a function the file does not define. */
export function functionReferenceIssue(reference: string, baseDir: string, path: string): ConfigIssue | undefined {
  const { file, name } = parseFunctionReference(reference, baseDir);
  if (!existsSync(file)) return { path, severity: 'error', message: `the file ${file} does not exist; write "file.py:function" with the file relative to the config file's folder` };
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return { path, severity: 'error', message: `cannot read ${file}: ${(error as Error).message}` };
  }
  if (definesTopLevel(source, name)) return undefined;
  const defined = topLevelFunctions(source);
  const choices = defined.length ? `; it defines ${defined.join(', ')}` : '; it defines no function at top level';
  return { path, severity: 'error', message: `${file} does not define "${name}" at top level (def ${name}(): …)${choices}` };
}

const ENGINE_ONLY_MODEL_FIELDS = ['layers', 'activation', 'bias', 'init'] as const;
const PYTORCH_ONLY_MODEL_FIELDS = ['strict', 'dtype', 'mode'] as const;
const CHECKPOINT = /\.(pt|pth|safetensors)$/i;

/** Issues of a config's PyTorch parts, or of PyTorch parts in an engine config. */
export function pytorchIssues(config: ExperimentConfig, baseDir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const error = (path: string, message: string) => issues.push({ path, message, severity: 'error' });
  const warning = (path: string, message: string) => issues.push({ path, message, severity: 'warning' });
  const { model, data, training } = config;
  const landscape = config.analyses?.landscape;
  const lossIsFunction = typeof model?.loss === 'string' && model.loss.includes('.py:');
  if (!model?.pytorch) {
    if (data?.kind === 'pytorch') error('/data/kind', 'data of kind "pytorch" needs a PyTorch model: add "model": {"pytorch": "model.py:make_model"}, or use another data kind with the engine\'s MLP');
    if (lossIsFunction) error('/model/loss', `a Python loss ("${model!.loss}") needs a PyTorch model (model.pytorch); the engine's MLP takes mse, softmax-cross-entropy, sigmoid-bce or sse`);
    if (training?.saveWeights && /\.pth?$/.test(training.saveWeights)) error('/training/saveWeights', 'the engine writes .json or .safetensors weights; .pt and .pth are for PyTorch models');
    for (const field of PYTORCH_ONLY_MODEL_FIELDS) if (model?.[field] !== undefined) warning(`/model/${field}`, `"${field}" applies to PyTorch models (model.pytorch) only; the engine's MLP ignores it`);
    if (config.runtime) warning('/runtime', '"runtime" applies to PyTorch models (model.pytorch) only; the engine ignores it');
    if (config.cluster) warning('/cluster', '"cluster" applies to PyTorch models (model.pytorch) only; the engine runs on this machine\'s worker pool');
    if (landscape?.trajectory !== undefined) warning('/analyses/landscape/trajectory', '"trajectory" applies to PyTorch models only; the engine projects its own training path');
    if (landscape?.to !== undefined) warning('/analyses/landscape/to', '"to" applies to PyTorch models only; the engine interpolates from the initial to the trained weights');
    return issues;
  }
  const add = (issue: ConfigIssue | undefined) => issue && issues.push(issue);
  add(functionReferenceIssue(model.pytorch, baseDir, '/model/pytorch'));
  if (lossIsFunction) add(functionReferenceIssue(model.loss!, baseDir, '/model/loss'));
  for (const field of ENGINE_ONLY_MODEL_FIELDS) if (model[field] !== undefined) warning(`/model/${field}`, `"${field}" describes the engine's MLP; a PyTorch model (model.pytorch) ignores it: the module your function returns is the model`);
  if (data && data.kind !== 'pytorch') error('/data/kind', `a PyTorch model reads its data from Python: use "data": {"kind": "pytorch", "factory": "data.py:make_data"} (kind "${data.kind}" is for the engine's MLP)`);
  if (data?.kind === 'pytorch' && data.factory) add(functionReferenceIssue(data.factory, baseDir, '/data/factory'));
  issues.push(...clusterIssues(config, baseDir));
  if (model.weights && !CHECKPOINT.test(model.weights)) warning('/model/weights', `a PyTorch model reads .pt, .pth (torch.save) or .safetensors weights; "${model.weights}" has another extension`);
  if (training?.saveWeights?.endsWith('.json')) error('/training/saveWeights', 'a PyTorch model saves .pt, .pth or .safetensors weights: change the extension');
  if (!landscape) return issues;
  if (landscape.to !== undefined && !existsSync(resolveDataPath(baseDir, landscape.to))) error('/analyses/landscape/to', `the file ${resolveDataPath(baseDir, landscape.to)} does not exist; paths are relative to the config file's folder`);
  const matches = landscape.trajectory === undefined ? [] : fastGlob.sync(landscape.trajectory, { cwd: baseDir, absolute: true });
  if (landscape.trajectory !== undefined && matches.length === 0) error('/analyses/landscape/trajectory', `no file matches "${landscape.trajectory}" in ${baseDir}; give a glob of checkpoint files relative to the config file's folder, e.g. "checkpoints/epoch-*.pt"`);
  if (!training && landscape.directions === 'pca' && landscape.trajectory === undefined) error('/analyses/landscape/trajectory', 'pca directions without training need a path of checkpoints: add "trajectory": "checkpoints/epoch-*.pt" (or add "training")');
  const needed = landscape.dimensions === 1 ? 2 : 3;
  if (!training && landscape.directions === 'pca' && matches.length > 0 && matches.length < needed) error('/analyses/landscape/trajectory', `pca needs at least ${needed} checkpoints to span ${needed === 3 ? 'a plane' : 'a line'}; "${landscape.trajectory}" matches ${matches.length}`);
  if (!training && landscape.directions === 'interpolation' && (!model.weights || landscape.to === undefined)) error('/analyses/landscape/to', 'interpolation without training goes from model.weights to a second checkpoint: set both "model.weights" and "analyses.landscape.to" (or add "training")');
  return issues;
}
