/**
 * The results folder of a run: `<runs>/<time>-<name>/` with results.json, run.json (status and
 * reason), one CSV per trajectory and the config used. Shared by the extension host and the CLI.
 *
 * Saving never deletes, replaces or overwrites anything (output-folder.ts says where a run may go):
 * - The files are written into a visible staging folder beside the target, `<target>.partial-<pid>`
 *   (run.json last), so a reader never sees half a run, and a save cut short (a crash, a kill) leaves
 *   its files where the user sees them, under a name that says what they are.
 * - The target is then claimed atomically: a rename of the staging folder onto a target that does
 *   not exist (or is an empty folder), which fails when another writer got there first; or, to add
 *   the files beside other files, a lock file (`.landscape-lens-saving`, created exclusively) and a
 *   hard link per file, which never replaces an existing name. A writer that loses the claim saves
 *   in a new folder beside the target (`<target>-2`, `-3`…) when its caller allows it, and says so.
 * - The staging folder is empty and removed once its files are in place: no temporary folder remains.
 * Saving is a generator that pauses between writes to the files (writeResultsAsync lets the event
 * loop run there, so the CLI can answer Ctrl+C while it saves); writeResults runs it at once.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ExperimentResults, RunSummary, TrajectoryResult } from '../shared/results';
import { writeRunJson } from './event-log';
import { writeJsonFileSteps, type WriteSteps } from './json-file-writer';
import { checkOutputFolder, collidingRunFiles, makeFolders, OutputFolderError, outputFolderState, placeRun, SAVING_LOCK } from './output-folder';
import { readRunRecord, readRunRecordChecked, readRunRecordCheckedAsync, type RunRecord, type RunRecordRead } from './run-record';
import { csvHoldsTrajectory, readTrajectoryCsv, trajectoryCsv, writeTrajectoryCsv } from './trajectory-csv';

export { readRunRecord, readRunRecordAsync, type RunRecord } from './run-record';
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

/**
 * Makes the staging folder of a save into `folder`: beside it, visible, named for it and this
 * process (`-2`… for another save of this process). The CLI makes it when the run starts (its
 * events.jsonl grows there, event-log.ts) and passes it to the save (WriteOptions.staging).
 */
export function makeStagingFolder(folder: string): string {
  for (let suffix = 1; ; suffix++) {
    const staging = `${folder}.partial-${process.pid}${suffix > 1 ? `-${suffix}` : ''}`;
    try {
      mkdirSync(staging);
      return staging;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || suffix >= 1000) throw error;
    }
  }
}

/** Writes the run into a fresh folder under `runsDir` (made unique with -2, -3…, claimed atomically) and returns its path. */
export function writeRunFolder(runsDir: string, run: RunToSave): string {
  const base = join(runsDir, runFolderName(run.record.name, new Date(run.record.startedAt)));
  return writeResults(base, run.results, run.configText, run.record, { besideWhenTaken: true });
}

export interface WriteOptions {
  /** Add the run's files to a folder of other files (never overwriting one of them); beside an earlier run, save in a new folder next to it. */
  force?: boolean;
  /** When `folder` is taken (before or while saving), save in the first free `<folder>-2`, `-3`… instead of failing. */
  besideWhenTaken?: boolean;
  /** Told the staging folder before anything is written to it (a caller names it if the save is cut short). */
  onStaging?: (staging: string) => void;
  /**
   * The staging folder made when the run started (makeStagingFolder), holding this run's running
   * run.json and events.jsonl: the files are added to it, run.json replaced by the final record,
   * and it is claimed as a new staging folder would be.
   */
  staging?: string;
}

/** Some of the run's files could not be written; the others were saved in `folder`. */
export class PartialSaveError extends Error {
  constructor(message: string, readonly folder: string) {
    super(message);
  }
}

/**
 * Writes results.json, a CSV per trajectory, the config used and run.json into `folder` (or, see
 * WriteOptions, a new folder beside it) and returns the folder they are in. A file that fails to
 * write does not stop the others: run.json then says which is missing, and a PartialSaveError is
 * thrown after the rest is in place. Refuses (OutputFolderError) a folder it may not write, before
 * writing anything.
 */
export function writeResults(folder: string, results: ExperimentResults, configText: string, record?: RunRecord, options: WriteOptions = {}): string {
  const steps = saveSteps(folder, results, configText, record, options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** writeResults, letting the event loop run between writes to the files (signals, timers and output are served meanwhile). */
export async function writeResultsAsync(folder: string, results: ExperimentResults, configText: string, record?: RunRecord, options: WriteOptions = {}): Promise<string> {
  const steps = saveSteps(folder, results, configText, record, options);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Saving, pausing after each write to a file; returns the folder the run is in. */
function* saveSteps(folder: string, results: ExperimentResults, configText: string, record: RunRecord | undefined, options: WriteOptions): Generator<void, string, void> {
  const force = options.force ?? false;
  let target = folder;
  try {
    target = placeRun(folder, force).folder;
  } catch (error) {
    // Taken already: claim() saves beside it.
    if (!(error instanceof OutputFolderError) || !options.besideWhenTaken) throw error;
  }
  makeFolders(dirname(target));
  const staging = options.staging ?? makeStagingFolder(target);
  options.onStaging?.(staging);
  const failures = yield* writeRunFiles(staging, results, configText, record, options.staging !== undefined);
  const saved = claim(staging, target, force, options.besideWhenTaken ?? false);
  if (failures.length > 0) throw new PartialSaveError(`saved ${saved} without ${failures.join('; ')}`, saved);
  return saved;
}

/** Error codes of a rename whose target exists (a folder that is not empty, or a file; EPERM: Windows, any existing folder). */
const TAKEN = new Set(['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR', 'EPERM']);

/**
 * Puts the files of `staging` in place: into `target` (renamed onto it when it is absent or empty,
 * added beside other files with `force`), else when `beside` into the first free `<target>-N`.
 * Returns the folder they are in; when no place can take them, throws PartialSaveError naming the
 * staging folder, which keeps them.
 */
function claim(staging: string, target: string, force: boolean, beside: boolean): string {
  let why: string;
  try {
    const state = outputFolderState(target);
    if ((state === 'absent' || state === 'empty') && renamedOnto(staging, target)) return target;
    checkOutputFolder(target, force);
    if (addedInto(staging, target)) return target;
    why = `another save into ${target} is going on (or was cut short: then remove ${join(target, SAVING_LOCK)})`;
  } catch (error) {
    if (!(error instanceof OutputFolderError)) throw new PartialSaveError(`could not move the run into ${target} (${(error as Error).message}); its files are in ${staging}`, staging);
    why = error.message;
  }
  if (!beside) throw new PartialSaveError(`could not save in ${target}: ${why}; the run's files are in ${staging}`, staging);
  for (let suffix = 2; suffix <= 1000; suffix++) {
    const candidate = `${target}-${suffix}`;
    if (existsSync(candidate) && readdirSafe(candidate).length > 0) continue;
    if (renamedOnto(staging, candidate)) return candidate;
  }
  throw new PartialSaveError(`could not save in ${target} (${why}) nor in a new folder beside it; the run's files are in ${staging}`, staging);
}

/** Renames `staging` onto `target` (absent, or an empty folder on systems that allow it); false when `target` was taken. */
function renamedOnto(staging: string, target: string): boolean {
  try {
    renameSync(staging, target);
    return true;
  } catch (error) {
    if (TAKEN.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

function readdirSafe(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return ['(unreadable)'];
  }
}

/**
 * Adds the files of `staging` to the folder `target` under the lock file, each by a hard link that
 * fails rather than replace a name (or, where links are not supported, a rename after a check);
 * run.json goes last. False, with nothing moved, when another save holds the lock. Throws
 * OutputFolderError, with every file back in `staging`, when a name turns out to be taken.
 */
function addedInto(staging: string, target: string): boolean {
  const lock = join(target, SAVING_LOCK);
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    const taken = collidingRunFiles(target);
    if (taken.length > 0) throw new OutputFolderError(`${target} already has ${taken.map((name) => `"${name}"`).join(', ')}, which the run would overwrite`);
    const names = readdirSync(staging).sort((a, b) => Number(a === 'run.json') - Number(b === 'run.json'));
    const moved: string[] = [];
    try {
      for (const name of names) {
        moveWithoutReplacing(join(staging, name), join(target, name));
        moved.push(name);
      }
    } catch (error) {
      for (const name of moved) moveWithoutReplacing(join(target, name), join(staging, name));
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new OutputFolderError(`${target} got a file named like one of the run's while it was saved`);
      throw error;
    }
    rmdirSync(staging);
    return true;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Moves a file to a name that must not exist: a hard link then an unlink (throws EEXIST when the name is taken). */
function moveWithoutReplacing(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || !['EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EOPNOTSUPP'].includes(code ?? '')) throw error;
    // No hard links here (e.g. FAT): check, then rename.
    if (existsSync(to)) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
    renameSync(from, to);
    return;
  }
  unlinkSync(from);
}

/**
 * Writes each file of the run into `folder` (a new, empty one; or, `replaceRecord`, the run's own
 * staging folder, whose running run.json is replaced), run.json last; returns "file (why)" for
 * each that failed, also recorded in run.json.
 */
function* writeRunFiles(folder: string, results: ExperimentResults, configText: string, record?: RunRecord, replaceRecord = false): Generator<void, string[], void> {
  const failures: string[] = [];
  function* attempt(file: string, write: () => WriteSteps | void): WriteSteps {
    try {
      const steps = write();
      if (steps) yield* steps;
    } catch (error) {
      // (The run's own running run.json stays: once this process ends, it reads as stopped.)
      if (!(replaceRecord && file === 'run.json')) rmSync(join(folder, file), { force: true });
      failures.push(`${file} (${(error as Error).message})`);
    }
    yield;
  }
  yield* attempt('config.landscape.json', () => writeFileSync(join(folder, 'config.landscape.json'), configText, { flag: 'wx' }));
  const csvNames = (results.trajectories ?? []).map((trajectory, index) => `trajectory-${index + 1}-${fileSafe(trajectory.label)}.csv`);
  const csvWritten = csvNames.map(() => false);
  for (const [index, trajectory] of (results.trajectories ?? []).entries()) {
    yield* attempt(csvNames[index], () => {
      writeTrajectoryCsv(join(folder, csvNames[index]), trajectory);
      csvWritten[index] = true;
    });
  }
  // Long trajectories are stored in their CSV only, so results.json stays readable (a string holds at most about 512 M characters).
  const stored: unknown = results.trajectories ? { ...results, trajectories: results.trajectories.map((trajectory, index) => (csvWritten[index] && isLong(trajectory) ? storedInCsv(trajectory, csvNames[index]) : trajectory)) } : results;
  yield* attempt('results.json', () => writeResultsJson(join(folder, 'results.json'), stored));
  const now = new Date().toISOString();
  const runRecord: RunRecord = record ?? { name: results.name, status: 'completed', startedAt: results.createdAt, finishedAt: now };
  const notSaved = failures.length > 0 ? `not saved: ${failures.join('; ')}` : undefined;
  const finalRecord: RunRecord = notSaved ? { ...runRecord, status: 'failed', reason: [runRecord.reason, notSaved].filter(Boolean).join('; ') } : runRecord;
  yield* attempt('run.json', () => (replaceRecord ? writeRunJson(folder, finalRecord) : writeFileSync(join(folder, 'run.json'), JSON.stringify(finalRecord, null, 2), { flag: 'wx' })));
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
function writeResultsJson(path: string, results: unknown): WriteSteps | void {
  if (countNumbers(results, SMALL_RESULTS_NUMBERS) <= SMALL_RESULTS_NUMBERS) writeFileSync(path, resultsJson(results as ExperimentResults), { flag: 'wx' });
  else return writeJsonFileSteps(path, results);
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

/**
 * The runs under `runsDir`, newest first. A folder whose run.json is there but cannot be used
 * (not JSON, no name) is listed as unreadable, with the reason; folders without one are not runs.
 */
export function listRuns(runsDir: string): RunSummary[] {
  if (!existsSync(runsDir)) return [];
  const folders = readdirSync(runsDir, { withFileTypes: true }).filter(isRunFolderEntry).map((entry) => entry.name);
  return newestFirst(folders.map((id) => runSummary(id, readRunRecordChecked(join(runsDir, id)))));
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
  return newestFirst(await Promise.all(folders.map(async (id) => runSummary(id, await readRunRecordCheckedAsync(join(runsDir, id))))));
}

function isRunFolderEntry(entry: { name: string; isDirectory(): boolean }): boolean {
  return entry.isDirectory() && !entry.name.startsWith('.');
}

/** A folder's entry in the run list: its record's summary; an unreadable entry (named by its folder) when run.json is there but unusable; none without run.json. */
function runSummary(id: string, read: RunRecordRead): RunSummary | undefined {
  if ('missing' in read) return undefined;
  if ('problem' in read) return { id, name: id, status: 'failed', reason: `unreadable run.json: ${read.problem}`, startedAt: '', unreadable: read.problem };
  const { record } = read;
  return { id, name: record.name, status: record.status, reason: record.reason, startedAt: record.startedAt, finishedAt: record.finishedAt };
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
    // A run still being written, or one whose process stopped before its save, has its log but no results.json yet.
    const record = (error as NodeJS.ErrnoException).code === 'ENOENT' ? readRunRecord(folder) : undefined;
    if (record?.status === 'running') throw new Error(`${folder} is still being written (landscape-lens run, pid ${record.pid ?? '?'}): its results are saved when the run ends; \`landscape-lens tail ${folder}\` follows it meanwhile`);
    if (record?.status === 'stopped') throw new Error(`the run in ${folder} stopped before its results were saved (${record.reason ?? 'its process is gone'}): \`landscape-lens show ${folder}\` prints what its events.jsonl holds`);
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
