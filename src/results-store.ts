/**
 * The results folder of a run: `<runs>/<time>-<name>/` with results.json, run.json (status and
 * reason), one CSV per trajectory and the config used. Written atomically (a temporary folder,
 * then one rename), so a reader never sees half a run. Shared by the extension host and the CLI.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunSummary } from './results';
import type { ExperimentResults, TrajectoryResult } from './results';

export type RunStatus = Exclude<RunSummary['status'], 'running'>;

/** What run.json holds: how the run ended and where its config came from. */
export interface RunRecord {
  name: string;
  status: RunStatus;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  /** The config file the run came from, when there was one. */
  configPath?: string;
}

export interface RunToSave {
  results: ExperimentResults;
  record: RunRecord;
  /** The config exactly as run (comments kept), saved as config.landscape.json. */
  configText: string;
}

/** "20261128-045012-saddle-race": the start time (UTC, sortable) then the name made file-safe. */
export function runFolderName(name: string, startedAt = new Date()): string {
  const time = startedAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${time}-${fileSafe(name)}`;
}

/** Lower-case letters, digits and dashes only, at most 60 characters; "run" if nothing is left. */
export function fileSafe(name: string): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return safe === '' ? 'run' : safe;
}

/** One CSV row per point: step, the coordinates, value, gradient norm, learning rate, and the Hessian's extreme eigenvalues when recorded. */
export function trajectoryCsv(trajectory: TrajectoryResult): string {
  const dim = trajectory.points[0]?.length ?? 0;
  const coordinates = dim === 2 ? ['x', 'y'] : Array.from({ length: dim }, (_, i) => `x${i}`);
  const eigen = trajectory.hessianEigenvalues !== undefined;
  const header = ['step', ...coordinates, 'value', 'gradientNorm', 'learningRate', ...(eigen ? ['lambdaMin', 'lambdaMax'] : [])];
  const rows = trajectory.points.map((point, step) => {
    const eigenvalues = trajectory.hessianEigenvalues?.[step] ?? [];
    const cells = [step, ...point, trajectory.values[step], trajectory.gradientNorms[step], trajectory.learningRates[step] ?? ''];
    if (eigen) cells.push(eigenvalues[0] ?? '', eigenvalues[eigenvalues.length - 1] ?? '');
    return cells.join(',');
  });
  return [header.join(','), ...rows].join('\n') + '\n';
}

/** Writes the run into a fresh folder under `runsDir` (made unique with -2, -3…) and returns its path. */
export function writeRunFolder(runsDir: string, run: RunToSave): string {
  const base = join(runsDir, runFolderName(run.record.name, new Date(run.record.startedAt)));
  let target = base;
  for (let suffix = 2; existsSync(target); suffix++) target = `${base}-${suffix}`;
  writeResults(target, run.results, run.configText, run.record);
  return target;
}

/**
 * Writes results.json, a CSV per trajectory, the config used and run.json into `folder`,
 * atomically: everything goes into a temporary sibling folder first, which then replaces `folder`.
 */
export function writeResults(folder: string, results: ExperimentResults, configText: string, record?: RunRecord): void {
  const parent = dirname(folder);
  mkdirSync(parent, { recursive: true });
  const temporary = join(parent, `.tmp-${basename(folder)}-${process.pid}-${Date.now()}`);
  mkdirSync(temporary);
  try {
    const now = new Date().toISOString();
    const runRecord: RunRecord = record ?? { name: results.name, status: 'completed', startedAt: results.createdAt, finishedAt: now };
    writeFileSync(join(temporary, 'results.json'), resultsJson(results));
    writeFileSync(join(temporary, 'run.json'), JSON.stringify(runRecord, null, 2));
    writeFileSync(join(temporary, 'config.landscape.json'), configText);
    (results.trajectories ?? []).forEach((trajectory, index) => {
      writeFileSync(join(temporary, `trajectory-${index + 1}-${fileSafe(trajectory.label)}.csv`), trajectoryCsv(trajectory));
    });
    rmSync(folder, { recursive: true, force: true });
    renameSync(temporary, folder);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Results files up to this size are indented for reading; larger ones stay compact (indenting long arrays puts every number on its own line). */
const INDENT_LIMIT_CHARACTERS = 1_000_000;

/** results.json's text: indented when small, compact when large. */
export function resultsJson(results: ExperimentResults): string {
  const compact = JSON.stringify(results);
  return compact.length <= INDENT_LIMIT_CHARACTERS ? JSON.stringify(results, null, 1) : compact;
}

/** The runs under `runsDir`, newest first; folders without a readable run.json are skipped. */
export function listRuns(runsDir: string): RunSummary[] {
  if (!existsSync(runsDir)) return [];
  const runs: RunSummary[] = [];
  for (const entry of readdirSync(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const record = readRunRecord(join(runsDir, entry.name));
    if (record) runs.push({ id: entry.name, name: record.name, status: record.status, reason: record.reason, startedAt: record.startedAt, finishedAt: record.finishedAt });
  }
  return runs.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** run.json of a run folder, or undefined when it is missing or not a run record. */
export function readRunRecord(folder: string): RunRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as Partial<RunRecord>;
    if (typeof record.name !== 'string' || typeof record.status !== 'string' || typeof record.startedAt !== 'string') return undefined;
    return record as RunRecord;
  } catch {
    return undefined;
  }
}

/** results.json of a run folder (throws a clear error when it is missing or not results). */
export function readRunResults(folder: string): ExperimentResults {
  const path = join(folder, 'results.json');
  let results: Partial<ExperimentResults>;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as Partial<ExperimentResults>;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (results.format !== 1 || typeof results.name !== 'string') throw new Error(`${path} is not a Landscape Lens results file (format 1)`);
  return results as ExperimentResults;
}

/**
 * Gives a run a new display name: rewrites the `name` of its run.json (a file this tool wrote)
 * through a temporary file and a rename; the folder keeps its name. Throws when the folder
 * holds no run record.
 */
export function renameRun(folder: string, name: string): RunRecord {
  const record = readRunRecord(folder);
  if (!record) throw new Error(`${join(folder, 'run.json')} is missing or is not a Landscape Lens run record`);
  const renamed = { ...record, name };
  const target = join(folder, 'run.json');
  const temporary = join(folder, `.run.json.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify(renamed, null, 2) + '\n');
  renameSync(temporary, target);
  return renamed;
}
