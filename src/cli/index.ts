#!/usr/bin/env node
/**
 * The CLI, `landscape-lens run|validate <config>`, `show <run folder>` and `tail <run folder>`
 * (bundled to dist/cli.js): prepares a config as the editor does (config/prepare.ts), runs it on
 * its backend's runner (src/runner), prints progress (progress.ts) and, once the run folder is
 * saved (src/store), a summary (summary.ts). While the run goes, its staging folder holds a
 * running run.json and the growing events.jsonl (store/event-log.ts), which `show` and `tail` read.
 */
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tailLog, describeRecord } from './tail';
import { EVENT_LOG, RunLog, readEventLog, summarizeEventLog } from '../store/event-log';
import { parseArgs } from 'node:util';
import { ProgressPrinter } from './progress';
import { summarize } from './summary';
import { DEFAULT_RUN_DEFAULTS, prepare } from '../config/prepare';
import type { ConfigIssue } from '../config/types';
import { freeSibling, OutputFolderError, outputFolderState, placeRun, probeOutputFolder } from '../store/output-folder';
import { clusterAddressProblem } from '../config/cluster-address';
import { runnerFor } from '../runner';
import { EngineRunner } from '../backends/engine';
import { CLI_FIX, TorchRunner, backendPackageDir, findInterpreter, interpreterCandidates } from '../backends/pytorch';
import { makeStagingFolder, PartialSaveError, readRunResults, runFolderName, writeResultsAsync, type RunRecord } from '../store/results-store';
import { readRunRecordChecked } from '../store/run-record';
import type { ExperimentResults } from '../shared/results';

const USAGE = `Landscape Lens: loss landscapes, saddle points and Hessian spectra from the command line.

Usage:
  landscape-lens run <config.landscape.json> [--out <dir>] [--force] [--workers <n>] [--quiet] [--python <path>] [--cluster <address>]
      Validate and run an experiment; write results.json, run.json, the config and a CSV per
      trajectory to <dir> (default: a new folder .landscape-lens/runs/<time>-<name> beside the
      config). <dir> must be new or empty; --force adds the run's files beside other files (a
      name already taken is refused), and saves beside an earlier run in a new folder <dir>-2
      (named); nothing is ever deleted or replaced. The run happens in worker threads
      (--workers <n>, default one per core); Ctrl+C cancels it and keeps what finished (while
      it is saved, Ctrl+C asks to wait; a third press stops at once). A config with
      model.pytorch runs in Python with PyTorch: the first python3 or python on the PATH that
      imports torch, or --python <path>. --cluster tcp://host:8786 sends its landscape rows and
      Hessian probes to that Dask scheduler.
  landscape-lens validate <config.landscape.json>
      Check a config against the schema and the semantic rules; print every problem.
  landscape-lens show <run folder> [--json]
      Print a saved run's status and the summary \`run\` printed at its end (--json: the run
      record, the summary's lines and the results' file as JSON). For a run still going or
      killed (its <dir>.partial-<pid> folder, status running or stopped): what its events.jsonl
      holds (epochs, detector events, Hessian analyses, trajectories' last points).
  landscape-lens tail <run folder>
      Follow a run's events.jsonl as it is written and print its progress, epochs and events
      until it ends: exit 0 when it completed, 1 when it failed, was cancelled or its process is
      gone. <run folder> may be --out's folder while the run is in <dir>.partial-<pid>.
  landscape-lens --help
      Print this text.

Exit codes: 0 done, 1 the run failed (what finished is saved), 2 the config (or the command line)
is wrong, 130 cancelled (what finished is saved).`;

/** A command-line mistake: exit 2 with the message. */
class UsageError extends Error {}

interface Arguments {
  command: string;
  file: string;
  out?: string;
  force: boolean;
  quiet: boolean;
  json: boolean;
  workers?: number;
  python?: string;
  cluster?: string;
}

/** The options `run` and `validate` accept, for node:util's parseArgs. */
const OPTIONS = {
  out: { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
  workers: { type: 'string' },
  python: { type: 'string' },
  cluster: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line, or 'help'; a mistake throws a UsageError naming it. */
function parseArguments(argv: string[]): Arguments | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\nRun "landscape-lens --help" for the usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, file, ...extra] = positionals;
  if (!command) throw new UsageError(USAGE);
  if (command !== 'run' && command !== 'validate' && command !== 'show' && command !== 'tail') throw new UsageError(`unknown command "${command}": use "run", "validate", "show" or "tail"\n\n${USAGE}`);
  if (command === 'show' || command === 'tail') {
    if (!file) throw new UsageError(`${command} needs a run folder: landscape-lens ${command} <run folder>`);
    if (extra.length > 0) throw new UsageError(`one run folder at a time (got "${file}" and "${extra[0]}")`);
    const runOnly = (['out', 'force', 'quiet', 'workers', 'python', 'cluster'] as const).filter((name) => values[name] !== undefined);
    if (runOnly.length > 0) throw new UsageError(`--${runOnly[0]} applies to run only: landscape-lens ${command} <run folder>${command === 'show' ? ' [--json]' : ''}`);
    if (command === 'tail' && values.json) throw new UsageError('--json applies to show only: landscape-lens show <run folder> --json');
  }
  if (command !== 'show' && values.json) throw new UsageError(`--json applies to show only: landscape-lens show <run folder> --json`);
  if (!file) throw new UsageError(`${command} needs a config file: landscape-lens ${command} <config.landscape.json>`);
  if (extra.length > 0) throw new UsageError(`one config file at a time (got "${file}" and "${extra[0]}")`);
  if (values.out === '') throw new UsageError('--out needs a folder: --out <dir>');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new UsageError('--workers needs a whole number of at least 1: --workers 2');
  if (values.python === '') throw new UsageError('--python needs the path of a Python interpreter with PyTorch: --python /usr/bin/python3');
  if (values.cluster === '') throw new UsageError('--cluster needs the address of a Dask scheduler: --cluster tcp://host:8786');
  const clusterProblem = values.cluster === undefined ? undefined : clusterAddressProblem(values.cluster);
  if (clusterProblem) throw new UsageError(`--cluster: the scheduler address ${clusterProblem}`);
  return { command, file, out: values.out, force: values.force ?? false, quiet: values.quiet ?? false, json: values.json ?? false, workers, python: values.python, cluster: values.cluster };
}

/** "path:line:column: severity: message" lines, as compilers print them. */
function formatIssue(file: string, text: string, issue: ConfigIssue): string {
  let location = file;
  if (issue.offset !== undefined) {
    const before = text.slice(0, issue.offset).split('\n');
    location += `:${before.length}:${before[before.length - 1].length + 1}`;
  }
  const field = issue.path ? ` ${issue.path}:` : '';
  return `${location}: ${issue.severity}:${field} ${issue.message}`;
}

/** A new folder under `runsDir` for a run of `name` (-2, -3… when the time and name are taken; claimed when the run is saved). */
function newRunFolder(runsDir: string, name: string): string {
  const base = join(runsDir, runFolderName(name));
  try {
    const state = outputFolderState(base);
    if (state === 'absent' || state === 'empty') return base;
  } catch {
    // a file of that name: take the next name
  }
  return freeSibling(base);
}

/**
 * The folder the run is saved in, checked and made before the run starts: `--out` must be new or
 * empty, or with --force a folder whose files the run does not name (the run's files go beside
 * them) or an earlier run folder (the run goes to a new folder beside it, named here; nothing is
 * replaced); the folder is created and a file written to it and removed, so one that cannot be
 * written fails now.
 */
function prepareOutputFolder(args: Arguments, baseDir: string, name: string): string {
  try {
    if (args.out === undefined) {
      const folder = newRunFolder(join(baseDir, '.landscape-lens', 'runs'), name);
      probeOutputFolder(folder);
      return folder;
    }
    const place = placeRun(resolve(args.out), args.force, '--force');
    if (place.beside) console.error(`landscape-lens: ${place.beside}: this run is saved in ${place.folder}`);
    probeOutputFolder(place.folder);
    return place.folder;
  } catch (error) {
    if (error instanceof OutputFolderError) throw new UsageError(`--out: ${error.message}`);
    throw error;
  }
}

/**
 * Saves the run in `folder` (letting signals be answered while it writes); when that is no longer
 * possible (another run saved there meanwhile), in a new folder beside it, which is named. Returns
 * where it went. `onStaging` hears the folder the files are written to until they are in place.
 */
async function save(folder: string, run: { results: ExperimentResults; configText: string; record: RunRecord }, force: boolean, staging: string, onStaging: (staging: string) => void): Promise<string> {
  const saved = await writeResultsAsync(folder, run.results, run.configText, run.record, { force, besideWhenTaken: true, onStaging, staging });
  if (saved !== folder) console.error(`landscape-lens: ${folder} was taken while the run went (another run saved there); this run is saved in ${saved}`);
  return saved;
}

/** Ctrl+C (or SIGTERM) presses, within the stopping or the saving of a run, after which the CLI stops at once. */
const PRESSES_TO_STOP_NOW = 3;

/** The PyTorch runner with --python, or the first python3 / python on the PATH that imports torch. */
function cliTorchRunner(python: string | undefined): TorchRunner {
  const explicit = python ? { path: python, source: '--python' } : undefined;
  return new TorchRunner({ packageDir: backendPackageDir(join(__dirname, '..')), findInterpreter: () => findInterpreter(interpreterCandidates({ explicit }), CLI_FIX) });
}

/**
 * `show`: a saved run's record and the summary `run` printed at its end, read back from the
 * folder. Exit 0 for a completed run, 1 for a failed, cancelled or unreadable one, 2 when the
 * folder is not a run folder.
 */
function show(folder: string, json: boolean): number {
  if (!existsSync(join(folder, 'run.json'))) folder = stagingOf(folder) ?? folder;
  const read = readRunRecordChecked(folder);
  if ('missing' in read) throw new UsageError(`${folder} is not a run folder (it has no run.json): name a folder that landscape-lens run or the editor saved, e.g. .landscape-lens/runs/<time>-<name>`);
  if ('problem' in read) {
    console.error(`landscape-lens: ${join(folder, 'run.json')}: ${read.problem}; the folder's other files are left as they are`);
    return 1;
  }
  const record = read.record;
  if (!existsSync(join(folder, 'results.json')) && existsSync(join(folder, EVENT_LOG))) return showLog(folder, record, json);
  let summary: string | undefined;
  let problem: string | undefined;
  try {
    summary = summarize(readRunResults(folder), folder);
  } catch (error) {
    problem = (error as Error).message;
  }
  const status = `${record.status}${record.reason ? ` (${record.reason})` : ''}`;
  if (json) {
    console.log(JSON.stringify({ run: record, summary: summary?.split('\n'), results: join(folder, 'results.json'), problem }, null, 2));
  } else {
    console.log(`${record.name}: ${status}, started ${record.startedAt}${record.finishedAt ? `, finished ${record.finishedAt}` : ''}`);
    if (summary) console.log(summary);
    if (problem) console.error(`landscape-lens: ${problem}`);
  }
  return record.status === 'completed' && !problem ? 0 : 1;
}

/**
 * `show` on a run without results.json (going, or killed: its staging folder): its status and what
 * its events.jsonl holds. Exit 0 while it runs, 1 once stopped.
 */
function showLog(folder: string, record: RunRecord, json: boolean): number {
  const log = summarizeEventLog(readEventLog(join(folder, EVENT_LOG)).records);
  const status = `${record.status}${record.reason ? ` (${record.reason})` : ''}`;
  if (json) {
    console.log(JSON.stringify({ run: record, log: join(folder, EVENT_LOG), counts: log.counts, lastEpoch: log.lastEpoch, lastProgress: log.lastProgress, events: log.events, hessians: log.hessians, trajectories: log.trajectories, end: log.end }, null, 2));
  } else {
    console.log(`${record.name}: ${status}, started ${record.startedAt}${record.heartbeatAt ? `, last heard from ${record.heartbeatAt}` : ''}; no results.json: what its log (${join(folder, EVENT_LOG)}) holds:`);
    const epochs = log.counts.epoch ?? 0;
    if (log.lastEpoch) console.log(`  training: ${epochs} epoch(s) finished; last: ${describeRecord(log.lastEpoch)}`);
    else if (log.lastProgress) console.log(`  ${describeRecord(log.lastProgress)}`);
    for (const record of [...log.events, ...log.hessians, ...log.trajectories]) console.log(`  ${describeRecord(record)}`);
    if (log.end) console.log(`  ${describeRecord(log.end)}`);
  }
  return record.status === 'running' ? 0 : 1;
}

/** The staging folder `<folder>.partial-<pid>` of a run going (or killed) into `folder`, when there is one (the newest). */
function stagingOf(folder: string): string | undefined {
  const parent = dirname(resolve(folder));
  const prefix = `${basename(resolve(folder))}.partial-`;
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(prefix) && existsSync(join(parent, name, 'run.json')));
  } catch {
    return undefined;
  }
  return names.length > 0 ? join(parent, names.sort().at(-1)!) : undefined;
}

/** `tail`: follows a run folder's events.jsonl (tail.ts); a folder without one is named. */
async function tail(folder: string): Promise<number> {
  if (!existsSync(join(folder, 'run.json'))) folder = stagingOf(folder) ?? folder;
  const read = readRunRecordChecked(folder);
  if ('missing' in read) throw new UsageError(`${folder} is not a run folder (it has no run.json): name the folder given to --out, or its <dir>.partial-<pid> folder while the run goes`);
  if ('problem' in read) {
    console.error(`landscape-lens: ${join(folder, 'run.json')}: ${read.problem}`);
    return 1;
  }
  if (!existsSync(join(folder, EVENT_LOG))) {
    console.error(`landscape-lens: ${folder} has no ${EVENT_LOG} (saved by an earlier version, as a whole): its run ${read.record.status}; landscape-lens show ${folder} prints its summary`);
    return read.record.status === 'completed' ? 0 : 1;
  }
  return tailLog(join(folder, EVENT_LOG), read.record, { print: (line) => console.log(line), watch });
}

async function main(argv: string[]): Promise<number> {
  const args = parseArguments(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (args.command === 'show') return show(args.file, args.json);
  if (args.command === 'tail') return tail(args.file);
  const path = resolve(args.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const baseDir = dirname(path);
  // As the editor prepares it (config/prepare.ts), with the settings' documented defaults and --cluster.
  const { config, issues, backend } = prepare(text, baseDir, { defaults: DEFAULT_RUN_DEFAULTS, cluster: { address: args.cluster, source: '--cluster', replaces: true } });
  for (const issue of issues) console.error(formatIssue(args.file, text, issue));
  if (!config) {
    console.error(`${args.file}: not run: fix the ${issues.filter((issue) => issue.severity === 'error').length} error(s) above`);
    return 2;
  }
  if (args.cluster !== undefined && backend !== 'pytorch') throw new UsageError(`--cluster applies to PyTorch configs (model.pytorch) only: ${args.file} runs on the engine, in this machine's worker threads; leave --cluster out`);
  if (args.command === 'validate') {
    console.log(`${args.file}: valid${issues.length ? ` (${issues.length} warning(s))` : ''}`);
    return 0;
  }
  let folder = prepareOutputFolder(args, baseDir, config.name);
  const startedAt = new Date().toISOString();
  // The staging folder is made now, so the run's log grows where the user sees it (and stays if the process is killed).
  let log: RunLog | undefined;
  let staging: string | undefined;
  try {
    staging = makeStagingFolder(folder);
    log = new RunLog(staging, { name: config.name, startedAt, configPath: path });
  } catch (error) {
    throw new UsageError(`--out: cannot write the run's log beside ${folder} (${staging ?? `${folder}.partial-${process.pid}`}): ${(error as Error).message}: name a folder you can write to`);
  }
  const printer = args.quiet ? undefined : new ProgressPrinter(process.stderr, { interactive: process.stderr.isTTY === true });
  // The run goes to the worker pool (dist/worker.js beside this file), as in the extension, or
  // for a PyTorch model to the backend in Python (python/ beside dist/).
  const runner = runnerFor(backend, { pytorch: () => cliTorchRunner(args.python), engine: () => new EngineRunner({ workerPath: join(__dirname, 'worker.js'), workers: args.workers }) });
  const handle = runner.start(config, {
    baseDir,
    onProgress: (report, resultsSoFar) => {
      printer?.progress(report.fraction, report.message);
      log?.observe(report, resultsSoFar);
    },
    onLog: (line) => printer?.log(line),
  });
  // Signals: during the run the first Ctrl+C (or SIGTERM) cancels it, keeping what finished. While
  // it stops and while the results are saved, a press is answered with "please wait" (the listener
  // stays, so the signal no longer ends the process with the files half written); the third press
  // within one of those phases stops at once, naming where the files written so far are.
  let phase: 'running' | 'stopping' | 'saving' = 'running';
  let presses = 0;
  const say = (line: string) => (printer && phase !== 'saving' ? printer.log(line) : console.error(line));
  const onSignal = () => {
    if (phase === 'running') {
      phase = 'stopping';
      say('cancelling: the finished part is kept');
      handle.cancel();
      return;
    }
    presses++;
    const doing = phase === 'stopping' ? 'cancelling, the finished part is kept' : `saving the results${staging ? ` (in ${staging} until they are complete)` : ''}`;
    if (presses < PRESSES_TO_STOP_NOW) {
      say(`landscape-lens: ${doing}: please wait (press Ctrl+C ${PRESSES_TO_STOP_NOW - presses === 1 ? 'once more' : `${PRESSES_TO_STOP_NOW - presses} more times`} to stop at once${phase === 'stopping' ? ', saving nothing' : ', leaving the results incomplete'})`);
      return;
    }
    say(phase === 'stopping' ? `landscape-lens: stopped at once: the results were not saved; the run's log is in ${staging}` : `landscape-lens: stopped while saving: the files written so far are in ${staging ?? folder}; results.json there may be incomplete`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const outcome = await handle.result;
  log?.observe({ fraction: 1, message: outcome.status }, outcome.results);
  log?.end(outcome.status, outcome.reason);
  phase = 'saving';
  presses = 0;
  printer?.finish();
  await runner.dispose();
  const { results } = outcome;
  const record: RunRecord = { name: config.name, status: outcome.status, reason: outcome.reason, startedAt, finishedAt: new Date().toISOString(), configPath: path, ...(log ? { format: 2 } : {}) };
  try {
    folder = await save(folder, { results, configText: text, record }, args.force, staging, (where) => (staging = where));
  } catch (error) {
    if (!(error instanceof PartialSaveError)) throw error;
    console.log(summarize(results, error.folder));
    console.error(`landscape-lens: ${error.message}`);
    return 1;
  }
  console.log(summarize(results, folder));
  if (outcome.status === 'failed') {
    console.error(`landscape-lens: the run failed: ${outcome.reason ?? 'unknown reason'}; what finished is in ${folder}`);
    return 1;
  }
  if (outcome.status === 'cancelled') {
    console.error(`landscape-lens: cancelled; what finished is in ${folder}`);
    return 130;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`landscape-lens: the run failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
