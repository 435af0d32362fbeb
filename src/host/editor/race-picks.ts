/** The Optimizer Race command's quick picks: surface, optimizers, start point. */
import * as vscode from 'vscode';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../core/optimizers';
import { RACE_DEFAULTS } from '../../core/surfaces/race';
import { SURFACES, SURFACE_NAMES, type SurfaceName } from '../../core/surfaces/catalog';
import { parseStartPoint, RACE_LEARNING_RATES, type RaceRequest } from './pure/derived-configs';

const DEFAULT_PICKED: OptimizerName[] = ['sgd', 'adam', 'newton', 'saddle-free-newton'];

/** A race request from a command argument, when it names a known surface (other fields optional). */
export function raceArgument(value: unknown): Partial<RaceRequest> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { surface, optimizers, start, steps } = value as Record<string, unknown>;
  const request: Partial<RaceRequest> = {};
  if (typeof surface === 'string' && (SURFACE_NAMES as string[]).includes(surface)) request.surface = surface as SurfaceName;
  if (Array.isArray(optimizers) && optimizers.length > 0 && optimizers.every((name) => (OPTIMIZER_NAMES as readonly unknown[]).includes(name))) request.optimizers = optimizers as OptimizerName[];
  if (Array.isArray(start) && start.length === 2 && start.every((x) => typeof x === 'number' && Number.isFinite(x))) request.start = [start[0], start[1]];
  if (typeof steps === 'number' && Number.isInteger(steps) && steps >= 1 && steps <= 100000) request.steps = steps;
  return request;
}

/** Completes a race request with quick picks for what it lacks; undefined when the user cancels. */
export async function completeRace(given: Partial<RaceRequest>): Promise<RaceRequest | undefined> {
  const surface = given.surface ?? (await pickSurface());
  if (!surface) return undefined;
  const optimizers = given.optimizers ?? (await pickOptimizers());
  if (!optimizers) return undefined;
  const start = given.start ?? (given.surface && given.optimizers ? RACE_DEFAULTS.start : await pickStart(surface));
  if (!start) return undefined;
  return { surface, optimizers, start, steps: given.steps };
}

async function pickSurface(): Promise<SurfaceName | undefined> {
  const items = SURFACE_NAMES.map((name) => ({ label: name, description: SURFACES[name].description, name }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Optimizer Race (1/3): surface', placeHolder: 'Pick a surface' });
  return picked?.name;
}

async function pickOptimizers(): Promise<OptimizerName[] | undefined> {
  const items = OPTIMIZER_NAMES.map((name) => ({ label: name, description: `lr ${RACE_LEARNING_RATES[name]}`, picked: DEFAULT_PICKED.includes(name), name }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Optimizer Race (2/3): optimizers', placeHolder: 'Pick the optimizers to race', canPickMany: true });
  return picked && picked.length > 0 ? picked.map((item) => item.name) : undefined;
}

async function pickStart(surface: SurfaceName): Promise<[number, number] | undefined> {
  const [[xMin, xMax], [yMin, yMax]] = SURFACES[surface].domain;
  const value = await vscode.window.showInputBox({
    title: 'Optimizer Race (3/3): start point',
    prompt: `x, y (the plot shows x in [${xMin}, ${xMax}], y in [${yMin}, ${yMax}])`,
    value: RACE_DEFAULTS.start.join(', '),
    validateInput: (text) => (parseStartPoint(text) ? undefined : 'Write two numbers: x, y'),
  });
  return value === undefined ? undefined : parseStartPoint(value);
}
