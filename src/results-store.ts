/**
 * The results folder of a run: `<runs>/<time>-<name>/` with results.json, run.json (status and
 * reason), one CSV per trajectory and the config used. Written into a temporary folder first and
 * then moved into place, so a reader never sees half a run. Never deletes or overwrites what it did
 * not write: a folder of other files is refused (or, asked to, the run's files go beside them), and
 * a run folder of ours is replaced only when asked. Shared by the extension host and the CLI.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RunSummary } from './results';
import type { ExperimentResults, TrajectoryResult } from './results';
import { writeJsonFile } from './json-file-writer';
import { checkOutputFolder, collidingRunFiles, makeFolders, OutputFolderError } from './output-folder';
import { readRunRecord, readRunRecordAsync, type RunRecord } from './run-record';
import { csvHoldsTrajectory, readTrajectoryCsv, trajectoryCsv, writeTrajectoryCsv } from './trajectory-csv';

export { readRunRecord, readRunRecordAsync, type RunRecord, type RunStatus } from './run-record';
export { trajectoryCsv };

export interface RunToSave {
  results: ExperimentResults;
  record: RunRecord;
  /** The config exactly as run (comments kept), saved as config.landscape.json. */
  configText: string;
}

/** Trajectories with more points than this keep their arrays in their CSV only; results.json names the file (`csv`). */
export const LONG_TRAJECTORY_POINTS = 100_000;

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

/** Writes the run into a fresh folder under `runsDir` (made unique with -2, -3…) and returns its path. */
export function writeRunFolder(runsDir: string, run: RunToSave): string {
  const base = join(runsDir, runFolderName(run.record.name, new Date(run.record.startedAt)));
  let target = base;
  for (let suffix = 2; existsSync(target); suffix++) target = `${base}-${suffix}`;
  writeResults(target, run.results, run.configText, run.record);
  return target;
}

export interface WriteOptions {
  /** Replace a run folder of ours at `folder`, or add the run's files to a folder of other files (never overwriting one of them). */
  force?: boolean;
}

/** Some of the run's files could not be written; the others were saved in `folder`. */
export class PartialSaveError extends Error {
  constructor(message: string, readonly folder: string) {
    super(message);
  }
}

/**
 * Writes results.json, a CSV per trajectory, the config used and run.json into `folder`: into a
 * temporary sibling first, then moved into place. A file that fails to write does not stop the
 * others: run.json then says which is missing, and a PartialSaveError is thrown after the rest is
 * in place. Refuses (OutputFolderError) a folder it may not write, before writing anything.
 */
export function writeResults(folder: string, results: ExperimentResults, configText: string, record?: RunRecord, options: WriteOptions = {}): void {
  const state = checkOutputFolder(folder, options.force ?? false);
  const parent = dirname(folder);
  makeFolders(parent);
  const temporary = join(parent, `.tmp-${basename(folder)}-${process.pid}-${Date.now()}`);
  mkdirSync(temporary);
  const failures = writeRunFiles(temporary, results, configText, record);
  try {
    if (state === 'run') replaceRunFolder(temporary, folder);
    else if (state === 'foreign') moveFilesInto(temporary, folder);
    else {
      if (state === 'empty') rmdirSync(folder); // empty: nothing to lose, and renaming onto a folder fails on Windows
      renameSync(temporary, folder);
    }
  } catch (error) {
    throw new PartialSaveError(`could not move the run into ${folder} (${(error as Error).message}); its files are in ${temporary}`, temporary);
  }
  if (failures.length > 0) throw new PartialSaveError(`saved ${folder} without ${failures.join('; ')}`, folder);
}

/** Writes each file of the run into `folder` (a new, empty one); returns "file (why)" for each that failed, also recorded in run.json. */
function writeRunFiles(folder: string, results: ExperimentResults, configText: string, record?: RunRecord): string[] {
  const failures: string[] = [];
  const attempt = (file: string, write: () => void) => {
    try {
      write();
    } catch (error) {
      rmSync(join(folder, file), { force: true });
      failures.push(`${file} (${(error as Error).message})`);
    }
  };
  attempt('config.landscape.json', () => writeFileSync(join(folder, 'config.landscape.json'), configText, { flag: 'wx' }));
  const csvNames = (results.trajectories ?? []).map((trajectory, index) => `trajectory-${index + 1}-${fileSafe(trajectory.label)}.csv`);
  const csvWritten = csvNames.map(() => false);
  (results.trajectories ?? []).forEach((trajectory, index) => attempt(csvNames[index], () => {
    writeTrajectoryCsv(join(folder, csvNames[index]), trajectory);
    csvWritten[index] = true;
  }));
  // Long trajectories are stored in their CSV only, so results.json stays readable (a string holds at most about 512 M characters).
  const stored: unknown = results.trajectories ? { ...results, trajectories: results.trajectories.map((trajectory, index) => (csvWritten[index] && isLong(trajectory) ? storedInCsv(trajectory, csvNames[index]) : trajectory)) } : results;
  attempt('results.json', () => writeResultsJson(join(folder, 'results.json'), stored));
  const now = new Date().toISOString();
  const runRecord: RunRecord = record ?? { name: results.name, status: 'completed', startedAt: results.createdAt, finishedAt: now };
  const notSaved = failures.length > 0 ? `not saved: ${failures.join('; ')}` : undefined;
  const finalRecord: RunRecord = notSaved ? { ...runRecord, status: 'failed', reason: [runRecord.reason, notSaved].filter(Boolean).join('; ') } : runRecord;
  attempt('run.json', () => writeFileSync(join(folder, 'run.json'), JSON.stringify(finalRecord, null, 2), { flag: 'wx' }));
  return failures;
}

function isLong(trajectory: TrajectoryResult): boolean {
  return trajectory.points.length > LONG_TRAJECTORY_POINTS && csvHoldsTrajectory(trajectory);
}

/** A trajectory as results.json keeps it when its arrays are in `csv`. */
function storedInCsv(trajectory: TrajectoryResult, csv: string): Omit<TrajectoryResult, 'points' | 'values' | 'gradientNorms' | 'hessianEigenvalues' | 'learningRates'> & { csv: string } {
  const { label, optimizer, parameters, status, steps, stride } = trajectory;
  return { label, optimizer, parameters, status, steps, stride, csv };
}

/** Replaces the run folder `folder` (ours) by `temporary`: the old one is moved aside first and removed only once the new one is in place. */
function replaceRunFolder(temporary: string, folder: string): void {
  const old = `${temporary}-replaced`;
  renameSync(folder, old);
  try {
    renameSync(temporary, folder);
  } catch (error) {
    renameSync(old, folder);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Moves the run's files from `temporary` into a folder of the user's, refusing before any move if one of the names is taken. */
function moveFilesInto(temporary: string, folder: string): void {
  const taken = collidingRunFiles(folder);
  if (taken.length > 0) throw new OutputFolderError(`${folder} already has ${taken.join(', ')}`);
  for (const name of readdirSync(temporary)) {
    if (existsSync(join(folder, name))) throw new OutputFolderError(`${folder} already has ${name}`);
    renameSync(join(temporary, name), join(folder, name));
  }
  rmdirSync(temporary);
}

/** Results files up to this size are indented for reading; larger ones stay compact (indenting long arrays puts every number on its own line). */
const INDENT_LIMIT_CHARACTERS = 1_000_000;
/** Numbers in results up to which its text is made at once (to decide on indenting); beyond, it is written piece by piece. */
const SMALL_RESULTS_NUMBERS = 100_000;

/** results.json's text: indented when small, compact when large. */
export function resultsJson(results: ExperimentResults): string {
  const compact = JSON.stringify(results);
  return compact.length <= INDENT_LIMIT_CHARACTERS ? JSON.stringify(results, null, 1) : compact;
}

/** Writes results.json: small results indented at once; large ones compact, piece by piece, never as one string. */
function writeResultsJson(path: string, results: unknown): void {
  if (countNumbers(results, SMALL_RESULTS_NUMBERS) <= SMALL_RESULTS_NUMBERS) writeFileSync(path, resultsJson(results as ExperimentResults), { flag: 'wx' });
  else writeJsonFile(path, results);
}

/** Array items in `value`, counted until `limit` is passed. */
function countNumbers(value: unknown, limit: number, counted = 0): number {
  if (value === null || typeof value !== 'object') return counted;
  const items = Array.isArray(value) ? value : Object.values(value as object);
  counted += Array.isArray(value) ? value.length : 0;
  for (const item of items) {
    if (counted > limit) return counted;
    if (item !== null && typeof item === 'object') counted = countNumbers(item, limit, counted);
  }
  return counted;
}

/** The runs under `runsDir`, newest first; folders without a readable run.json are skipped. */
export function listRuns(runsDir: string): RunSummary[] {
  if (!existsSync(runsDir)) return [];
  const folders = readdirSync(runsDir, { withFileTypes: true }).filter(isRunFolderEntry).map((entry) => entry.name);
  return newestFirst(folders.map((id) => runSummary(id, readRunRecord(join(runsDir, id)))));
}

/** listRuns without blocking (the extension host's thread): reads only each folder's run.json, all at once. */
export async function listRunsAsync(runsDir: string): Promise<RunSummary[]> {
  let entries;
  try {
    entries = await readdir(runsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const folders = entries.filter(isRunFolderEntry).map((entry) => entry.name);
  return newestFirst(await Promise.all(folders.map(async (id) => runSummary(id, await readRunRecordAsync(join(runsDir, id))))));
}

function isRunFolderEntry(entry: { name: string; isDirectory(): boolean }): boolean {
  return entry.isDirectory() && !entry.name.startsWith('.');
}

function runSummary(id: string, record: RunRecord | undefined): RunSummary | undefined {
  return record && { id, name: record.name, status: record.status, reason: record.reason, startedAt: record.startedAt, finishedAt: record.finishedAt };
}

/** The summaries that exist, newest (the largest folder name: it starts with the time) first. */
function newestFirst(runs: (RunSummary | undefined)[]): RunSummary[] {
  return runs.filter((run): run is RunSummary => run !== undefined).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** Largest results.json read back whole (V8's longest string is about 512 M characters). */
const LARGEST_READABLE_BYTES = 500_000_000;

/** results.json of a run folder, with long trajectories read back from their CSVs (throws a clear error when it is missing or not results). */
export function readRunResults(folder: string): ExperimentResults {
  const path = join(folder, 'results.json');
  let results: Partial<ExperimentResults>;
  try {
    const size = statSync(path).size;
    if (size > LARGEST_READABLE_BYTES) throw new Error(`it is ${(size / 1e9).toFixed(1)} GB, more than can be read at once; its CSV files hold the trajectories`);
    results = JSON.parse(readFileSync(path, 'utf8')) as Partial<ExperimentResults>;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (results.format !== 1 || typeof results.name !== 'string') throw new Error(`${path} is not a Landscape Lens results file (format 1)`);
  results.trajectories = results.trajectories?.map((trajectory) => {
    const csv = (trajectory as { csv?: unknown }).csv;
    if (typeof csv !== 'string' || trajectory.points) return trajectory;
    const csvPath = join(folder, basename(csv));
    try {
      const restored: TrajectoryResult & { csv?: string } = { ...trajectory, ...readTrajectoryCsv(csvPath) };
      delete restored.csv;
      return restored;
    } catch (error) {
      throw new Error(`cannot read the trajectory "${trajectory.label}" from ${csvPath}: ${(error as Error).message}`);
    }
  });
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
