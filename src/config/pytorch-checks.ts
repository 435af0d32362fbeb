/**
 * Rules for PyTorch configs (model.pytorch) a schema cannot express: the Python files exist and
 * bind the named factory at top level (a light parse, nothing is imported: `def name(`, `class
 * name`, `name = …` such as a functools.partial or a lambda, or an import; the backend judges
 * whether it is callable), a plain `def`'s required arguments are given in `kwargs` and `kwargs`
 * names only arguments it takes, data of kind "pytorch" goes with a PyTorch model and only with
 * one, checkpoint files exist, the cluster's scheduler address is well formed and its TLS files
 * exist (cluster-address.ts); and a note when model.mode "train" meets Dropout.
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

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether Python source binds `name` at top level: `def name(`, `async def name(`, `class name`,
 * an assignment `name = …` (or `name: type = …`: a functools.partial, a lambda, a class or function
 * under another name), or an import `from module import name` / `from module import x as name`
 * (parentheses and several lines included) / `import module as name`.
 */
export function definesTopLevel(source: string, name: string): boolean {
  const escaped = escapeRegExp(name);
  if (new RegExp(`^(?:async\\s+)?def\\s+${escaped}\\s*\\(|^class\\s+${escaped}\\s*[(:]|^${escaped}\\s*(?::[^=\\n]*)?=(?!=)`, 'm').test(source)) return true;
  if (new RegExp(`^import\\s+[^\\n#]*\\bas\\s+${escaped}\\s*(?:,|#|$)`, 'm').test(source)) return true;
  // `from module import *` may bind any name: the backend judges.
  if (/^from\s+[\w.]+\s+import\s+\*/m.test(source)) return true;
  for (const match of source.replace(/#[^\n]*/g, '').matchAll(/^from\s+[\w.]+\s+import\s+(\([^)]*\)|[^\n]*)/gm)) {
    const names = match[1].replace(/[()]/g, ' ').split(',');
    if (names.some((part) => { const words = part.trim().split(/\s+/); return words[words.length - 1] === name; })) return true;
  }
  return false;
}

/**
 * The callables defined at top level of a Python source, in order (for quick picks and messages):
 * `def` and `class` names, and names bound to a lambda or a functools.partial (`make_wide =
 * functools.partial(WideMLP, 256)`); other assignments (constants) are left out.
 */
export function topLevelFunctions(source: string): string[] {
  const definition = /^(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(|^class\s+([A-Za-z_][A-Za-z0-9_]*)\s*[(:]|^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=\n]*)?=\s*(?:lambda\b|(?:functools\.)?partial\s*\()/gm;
  return [...source.matchAll(definition)].map((match) => match[1] ?? match[2] ?? match[3]);
}

/** A parameter of a top-level `def`, as the light parse reads it. */
export interface PythonParameter {
  name: string;
  /** No default value. */
  required: boolean;
  /** Before a `/`: a config's keyword arguments cannot pass it. */
  positionalOnly: boolean;
}

/** The parameters of a plain top-level `def name(…)`, or undefined when there is none to read
 * (a class, an assignment, an import, a decorated function whose decorator may change them).
 * `varKeyword`: the function takes **kwargs, so any name is accepted. */
export function functionParameters(source: string, name: string): { parameters: PythonParameter[]; varKeyword: boolean; text: string } | undefined {
  const match = new RegExp(`^(?:async\\s+)?def\\s+${escapeRegExp(name)}\\s*\\(`, 'm').exec(source);
  if (!match) return undefined;
  const before = source.slice(0, match.index).replace(/\s+$/, '');
  if (/^@[^\n]*$/m.test(before.slice(before.lastIndexOf('\n') + 1))) return undefined;
  // The text up to the closing parenthesis, skipping brackets and strings in defaults and annotations.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | undefined;
  let index = match.index + match[0].length;
  for (; index < source.length; index++) {
    const char = source[index];
    if (quote) {
      current += char;
      if (char === '\\') current += source[++index] ?? '';
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '#') {
      while (index < source.length && source[index] !== '\n') index++;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) {
      if (depth === 0) break;
      depth--;
    } else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (index >= source.length) return undefined;
  parts.push(current);
  const parameters: PythonParameter[] = [];
  let varKeyword = false;
  for (const raw of parts.map((part) => part.replace(/\s+/g, ' ').trim()).filter(Boolean)) {
    if (raw === '/') {
      for (const parameter of parameters) parameter.positionalOnly = true;
      continue;
    }
    if (raw.startsWith('**')) varKeyword = true;
    if (raw.startsWith('*')) continue;
    const parsed = /^([A-Za-z_][A-Za-z0-9_]*)\s*(:[^=]*)?(=)?/.exec(raw);
    if (!parsed) return undefined;
    parameters.push({ name: parsed[1], required: parsed[3] === undefined, positionalOnly: false });
  }
  const text = parts.map((part) => part.replace(/\s+/g, ' ').trim()).filter(Boolean).join(', ');
  return { parameters, varKeyword, text };
}

/**
 * Errors when a factory's `kwargs` do not fit its `def` (the backend refuses the same before the
 * call): required arguments left out (named, with the field that passes them), names it does not
 * take, arguments it takes by position only.
 */
export function kwargsIssues(reference: string, kwargs: unknown, baseDir: string, section: 'model' | 'data'): ConfigIssue[] {
  const field = section === 'model' ? 'pytorch' : 'factory';
  if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs))) return [];
  const given = (kwargs ?? {}) as Record<string, unknown>;
  const { file, name } = parseFunctionReference(reference, baseDir);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const signature = functionParameters(source, name);
  if (!signature) return [];
  const shown = `${section}.${field} ${name}(${signature.text})`;
  const issues: ConfigIssue[] = [];
  const takes = signature.parameters.filter((parameter) => !parameter.positionalOnly).map((parameter) => parameter.name);
  const known = signature.parameters.map((parameter) => parameter.name);
  if (!signature.varKeyword) {
    for (const key of Object.keys(given).filter((key) => !known.includes(key))) {
      issues.push({ path: `/${section}/kwargs/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, severity: 'error', message: `${shown} takes no argument "${key}"; ${takes.length ? `it takes ${takes.join(', ')}` : 'it takes no keyword arguments'}` });
    }
  }
  const byPosition = signature.parameters.filter((parameter) => parameter.positionalOnly && parameter.required).map((parameter) => parameter.name);
  if (byPosition.length) issues.push({ path: `/${section}/${field}`, severity: 'error', message: `${shown} takes ${byPosition.join(', ')} by position only, which a config cannot pass: give ${byPosition.length > 1 ? 'them defaults' : 'it a default'}, or name a function that takes keyword arguments` });
  const missing = signature.parameters.filter((parameter) => parameter.required && !parameter.positionalOnly && !(parameter.name in given)).map((parameter) => parameter.name);
  if (missing.length) {
    const example = missing.map((key) => `"${key}": …`).join(', ');
    issues.push({ path: kwargs === undefined ? `/${section}/${field}` : `/${section}/kwargs`, severity: 'error', message: `${shown} needs ${missing.join(', ')}: pass ${missing.length > 1 ? 'them' : 'it'} in "${section}": {"kwargs": {${example}}}` });
  }
  return issues;
}

/** A warning when model.mode "train" meets a model file that uses Dropout: what the analyses then see. */
export function trainModeIssue(reference: string, baseDir: string): ConfigIssue | undefined {
  const { file } = parseFunctionReference(reference, baseDir);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (!/dropout/i.test(source)) return undefined;
  return {
    path: '/model/mode',
    severity: 'warning',
    message: `${file} uses Dropout: in "train" mode its masks are fixed per evaluation batch (seeded by "seed"), so the Hessian and the landscape see one function, the network with those masks; training steps draw new masks. Use "eval" (the default) for the network as it predicts`,
  };
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
  return { path, severity: 'error', message: `${file} does not define "${name}" at top level (def ${name}(): …, class ${name}, or ${name} = … such as functools.partial(…))${choices}` };
}

const ENGINE_ONLY_MODEL_FIELDS = ['layers', 'activation', 'bias', 'init'] as const;
const PYTORCH_ONLY_MODEL_FIELDS = ['strict', 'dtype', 'mode', 'kwargs'] as const;
const CHECKPOINT = /\.(pt|pth|safetensors)$/i;

/** Issues of a config's PyTorch parts, or of PyTorch parts in an engine config. */
export function pytorchIssues(config: ExperimentConfig, baseDir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const error = (path: string, message: string) => issues.push({ path, message, severity: 'error' });
  const warning = (path: string, message: string) => issues.push({ path, message, severity: 'warning' });
  const { model, data, training } = config;
  const landscape = config.analyses?.landscape;
  if (data && data.kind !== 'pytorch' && (data as { kwargs?: unknown }).kwargs !== undefined) warning('/data/kwargs', `"kwargs" applies to data of kind "pytorch" (a Python factory) only; kind "${data.kind}" ignores it`);
  const lossIsFunction = typeof model?.loss === 'string' && model.loss.includes('.py:');
  // model.batchLoss: "file.py:function" of (model, batch), for batches of any structure.
  const batchLoss = (model as { batchLoss?: unknown } | undefined)?.batchLoss;
  if (!model?.pytorch) {
    if (batchLoss !== undefined) error('/model/batchLoss', 'a batch loss ("file.py:function" of (model, batch)) needs a PyTorch model (model.pytorch); the engine\'s MLP takes model.loss');
    if (data?.kind === 'pytorch') error('/data/kind', 'data of kind "pytorch" needs a PyTorch model: add "model": {"pytorch": "model.py:make_model"}, or use another data kind with the engine\'s MLP');
    if (lossIsFunction) error('/model/loss', `a Python loss ("${model!.loss}") needs a PyTorch model (model.pytorch); the engine's MLP takes mse, softmax-cross-entropy, sigmoid-bce or sse`);
    if (training?.saveWeights && /\.pth?$/.test(training.saveWeights)) error('/training/saveWeights', 'the engine writes .json or .safetensors weights; .pt and .pth are for PyTorch models');
    for (const field of PYTORCH_ONLY_MODEL_FIELDS) if ((model as Record<string, unknown> | undefined)?.[field] !== undefined) warning(`/model/${field}`, `"${field}" applies to PyTorch models (model.pytorch) only; the engine's MLP ignores it`);
    if (config.runtime) warning('/runtime', '"runtime" applies to PyTorch models (model.pytorch) only; the engine ignores it');
    if (config.cluster) warning('/cluster', '"cluster" applies to PyTorch models (model.pytorch) only; the engine runs on this machine\'s worker pool');
    if (landscape?.trajectory !== undefined) warning('/analyses/landscape/trajectory', '"trajectory" applies to PyTorch models only; the engine projects its own training path');
    if (landscape?.to !== undefined) warning('/analyses/landscape/to', '"to" applies to PyTorch models only; the engine interpolates from the initial to the trained weights');
    return issues;
  }
  const add = (issue: ConfigIssue | undefined) => issue && issues.push(issue);
  const modelReference = functionReferenceIssue(model.pytorch, baseDir, '/model/pytorch');
  add(modelReference);
  if (!modelReference) issues.push(...kwargsIssues(model.pytorch, (model as { kwargs?: unknown }).kwargs, baseDir, 'model'));
  if (!modelReference && model.mode === 'train') add(trainModeIssue(model.pytorch, baseDir));
  if (lossIsFunction) add(functionReferenceIssue(model.loss!, baseDir, '/model/loss'));
  if (typeof batchLoss === 'string' && batchLoss.includes('.py:')) {
    add(functionReferenceIssue(batchLoss, baseDir, '/model/batchLoss'));
    if (model.loss !== undefined) warning('/model/loss', `model.batchLoss (${batchLoss}) computes each batch's loss from (model, batch), so model.loss is not used: remove one of them`);
  }
  for (const field of ENGINE_ONLY_MODEL_FIELDS) if (model[field] !== undefined) warning(`/model/${field}`, `"${field}" describes the engine's MLP; a PyTorch model (model.pytorch) ignores it: the module your function returns is the model`);
  if (data && data.kind !== 'pytorch') error('/data/kind', `a PyTorch model reads its data from Python: use "data": {"kind": "pytorch", "factory": "data.py:make_data"} (kind "${data.kind}" is for the engine's MLP)`);
  if (data?.kind === 'pytorch' && data.factory) {
    const dataReference = functionReferenceIssue(data.factory, baseDir, '/data/factory');
    add(dataReference);
    if (!dataReference) issues.push(...kwargsIssues(data.factory, (data as { kwargs?: unknown }).kwargs, baseDir, 'data'));
  }

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
