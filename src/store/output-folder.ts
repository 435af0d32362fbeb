/**
 * Where a run may be saved. Nothing of the user's is ever deleted, replaced or overwritten, with
 * `force` or without: a run's files go into a new or empty folder; asked to (`force`), beside the
 * files of a folder when none of them has a name the run writes; and when the folder holds an
 * earlier run, `force` puts the new run in a new folder beside it (`<folder>-2`, `-3`…), which the
 * caller names. No folder is ever replaced, so whether a folder "is ours" decides nothing that
 * could lose a file: run.json only lets the messages say "an earlier run" rather than "other files".
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readRunRecord } from './run-record';

/** What is at an output path: nothing, an empty folder, a run folder of ours, or a folder of other files. */
export type OutputFolderState = 'absent' | 'empty' | 'run' | 'foreign';

/** A reason the run cannot be saved at a path, worded for the user (names the path and the fix). */
export class OutputFolderError extends Error {}

/** The files a run folder holds (the trajectory CSVs match `trajectory-*.csv`). */
export const RUN_FILES = ['results.json', 'run.json', 'config.landscape.json', 'events.jsonl'];

/** True for a name a run writes, which must not already exist in a folder of the user's. */
export function isRunFileName(name: string): boolean {
  return RUN_FILES.includes(name) || /^trajectory-.*\.csv$/.test(name);
}

/** What is at `folder` (throws OutputFolderError when it is a file or something else that is not a folder). */
export function outputFolderState(folder: string): OutputFolderState {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(folder).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    throw new OutputFolderError(`cannot write to ${folder}: ${code === 'ENOTDIR' ? 'a part of the path is a file' : (error as Error).message}: name a folder you can write to`);
  }
  if (!isDirectory) throw new OutputFolderError(`${folder} is a file, not a folder: name a new folder for the run's files (they go inside it)`);
  if (readRunRecord(folder)) return 'run';
  // Another run's passing files (its write probe, its saving lock) do not make a folder the
  // user's: two runs asked for the same new folder both find it empty, and the claim decides.
  return readdirSync(folder).filter((name) => !isPassingFile(name)).length === 0 ? 'empty' : 'foreign';
}

/** The lock a save holds while it adds a run's files beside other files (created exclusively). */
export const SAVING_LOCK = '.landscape-lens-saving';

/** The files a run writes in an output folder for a moment only: the write probe and the saving lock. */
function isPassingFile(name: string): boolean {
  return /^\.landscape-lens-probe-\d+$/.test(name) || name === SAVING_LOCK;
}

/** The names in a folder of the user's that a run would overwrite. */
export function collidingRunFiles(folder: string): string[] {
  return readdirSync(folder).filter(isRunFileName);
}

/**
 * Checks that a run may be saved into `folder` itself and returns what is there: a new or empty
 * folder always; a folder of other files only with `force` and when none of them has a name the
 * run writes (the run's files are added beside them). An earlier run folder is never written into:
 * without `force` it is refused, with `force` the caller saves beside it (see placeRun).
 */
export function checkOutputFolder(folder: string, force: boolean, forceHint = 'force'): OutputFolderState {
  const state = outputFolderState(folder);
  if (state === 'run') {
    throw new OutputFolderError(`${folder} holds an earlier run: name another folder, or add ${forceHint} to save the new run in a new folder beside it (the earlier run is kept as it is)`);
  }
  if (state === 'foreign') {
    const sample = readdirSync(folder).slice(0, 3).map((name) => `"${name}"`).join(', ');
    if (!force) throw new OutputFolderError(`${folder} is not empty and is not a Landscape Lens run folder (it holds ${sample}…): name a new or empty folder, or add ${forceHint} to put the run's files beside what is there (nothing there is deleted)`);
    const colliding = collidingRunFiles(folder);
    if (colliding.length > 0) throw new OutputFolderError(`${folder} already has ${colliding.map((name) => `"${name}"`).join(', ')}, which the run would overwrite: name a new or empty folder`);
  }
  return state;
}

/** Where a run asked to go to a folder is saved: the folder itself, or (`beside`) a new folder next to it because the folder holds an earlier run. */
export interface RunPlace {
  folder: string;
  /** Why the run is not saved in the folder asked for (the caller says so), when it is not. */
  beside?: string;
}

/**
 * Where a run asked to go to `folder` is saved: `folder` itself when checkOutputFolder allows it;
 * with `force`, a new folder beside an earlier run (`<folder>-2`, `-3`…). Throws OutputFolderError otherwise.
 */
export function placeRun(folder: string, force: boolean, forceHint = 'force'): RunPlace {
  if (force && outputFolderState(folder) === 'run') {
    return { folder: freeSibling(folder), beside: `${folder} holds an earlier run, which ${forceHint} never replaces` };
  }
  checkOutputFolder(folder, force, forceHint);
  return { folder };
}

/** The first of `<folder>-2`, `<folder>-3`… that does not exist or is an empty folder (throws OutputFolderError after 999 taken names). */
export function freeSibling(folder: string): string {
  for (let suffix = 2; suffix <= 1000; suffix++) {
    const candidate = `${folder}-${suffix}`;
    try {
      const state = outputFolderState(candidate);
      if (state === 'absent' || state === 'empty') return candidate;
    } catch {
      // a file or something unreadable: try the next name
    }
  }
  throw new OutputFolderError(`${folder}-2 to ${folder}-1000 are all taken: name a new folder`);
}

/** Creates `folder` (and its parents) and writes and removes a small file, so a folder that cannot be written is found before the run. */
export function probeOutputFolder(folder: string): void {
  const probe = join(folder, `.landscape-lens-probe-${process.pid}`);
  try {
    makeFolders(folder);
    writeFileSync(probe, 'probe', { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied' : code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of the path is a file' : (error as Error).message;
    throw new OutputFolderError(`cannot write to ${folder}: ${why}: name a folder you can write to`);
  }
  rmSync(probe, { force: true });
}

/** mkdir -p one level at a time (Node's recursive mkdir loops forever under some special file systems, e.g. /proc). */
export function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let path = folder; !existsSync(path); path = dirname(path)) {
    if (dirname(path) === path) break;
    missing.unshift(path);
  }
  for (const path of missing) mkdirSync(path);
}
