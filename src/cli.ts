#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProgressPrinter } from './cli-progress';
import { memoryIssues } from './config/memory';
import { validateConfigText } from './config/validate';
import type { ConfigIssue } from './config/types';
import { checkOutputFolder, OutputFolderError, probeOutputFolder } from './output-folder';
import { withClusterScheduler } from './config/cluster-address';
import { EngineRunner, runsOnPytorch } from './runner';
import { CLI_FIX, TorchRunner, backendPackageDir, findInterpreter, interpreterCandidates } from './backends/pytorch';
import { PartialSaveError, runFolderName, writeResults, type RunRecord } from './results-store';
import type { ExperimentResults } from './results';

const USAGE = `Landscape Lens: loss landscapes, saddle points and Hessian spectra from the command line.

Usage:
  landscape-lens run <config.landscape.json> [--out <dir>] [--force] [--workers <n>] [--quiet] [--python <path>] [--cluster <address>]
      Validate and run an experiment; write results.json, run.json, the config and a CSV per
      trajectory to <dir> (default: a new folder .landscape-lens/runs/<time>-<name> beside the
      config). <dir> must be new or empty; --force replaces an earlier run folder there, or adds
      the run's files beside other files (nothing is deleted; a name already taken is refused).
      The run happens in worker threads (--workers <n>, default one per core); Ctrl+C cancels
      it and keeps what finished. A config with model.pytorch runs in Python with PyTorch: the
      first python3 or python on the PATH that imports torch, or --python <path>. --cluster
      tcp://host:8786 sends its landscape rows and Hessian probes to that Dask scheduler.
  landscape-lens validate <config.landscape.json>
      Check a config against the schema and the semantic rules; print every problem.
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
  workers?: number;
  python?: string;
  cluster?: string;
}

/** The options `run` and `validate` accept, for node:util's parseArgs. */
const OPTIONS = {
  out: { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
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
  if (command !== 'run' && command !== 'validate') throw new UsageError(`unknown command "${command}": use "run" or "validate"\n\n${USAGE}`);
  if (!file) throw new UsageError(`${command} needs a config file: landscape-lens ${command} <config.landscape.json>`);
  if (extra.length > 0) throw new UsageError(`one config file at a time (got "${file}" and "${extra[0]}")`);
  if (values.out === '') throw new UsageError('--out needs a folder: --out <dir>');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new UsageError('--workers needs a whole number of at least 1: --workers 2');
  if (values.python === '') throw new UsageError('--python needs the path of a Python interpreter with PyTorch: --python /usr/bin/python3');
  if (values.cluster === '') throw new UsageError('--cluster needs the address of a Dask scheduler: --cluster tcp://host:8786');
  return { command, file, out: values.out, force: values.force ?? false, quiet: values.quiet ?? false, workers, python: values.python, cluster: values.cluster };
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

/** f for the summary: 5 significant digits, or why there is no number. */
function formatValue(value: number | undefined): string {
  if (value === undefined) return 'none';
  return Number.isNaN(value) ? 'undefined (NaN)' : value.toPrecision(5);
}

function summarize(results: ExperimentResults, folder: string): string {
  const lines = [`${results.name}`];
  for (const trajectory of results.trajectories ?? []) {
    const last = trajectory.points[trajectory.points.length - 1] ?? [];
    const where = last.map((value) => value.toPrecision(4)).join(', ');
    lines.push(`  ${trajectory.label.padEnd(28)} ${trajectory.status.padEnd(22)} steps ${String(trajectory.steps).padStart(6)}  f = ${formatValue(trajectory.values.at(-1))} at (${where})`);
  }
  if (results.criticalPoints) {
    const counts = new Map<string, number>();
    for (const point of results.criticalPoints) counts.set(point.kind, (counts.get(point.kind) ?? 0) + 1);
    lines.push(`  critical points: ${[...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'none found'}`);
  }
  const training = results.training;
  const last = training?.history.at(-1);
  if (training && last) {
    const accuracy = last.testAccuracy !== undefined ? `, test accuracy ${(100 * last.testAccuracy).toFixed(1)}%` : '';
    lines.push(`  training: ${training.status} after ${last.epoch} epoch(s), loss ${last.loss.toPrecision(4)}${accuracy}, ${training.events.length} event(s)`);
  }
  const hessian = results.hessian;
  if (hessian) {
    const spectrum = hessian.eigenvalues ?? [...(hessian.bottom ?? []), ...(hessian.top ?? [])].map((pair) => pair.value).sort((a, b) => a - b);
    const extremes = spectrum.length ? `, λmin ${spectrum[0].toPrecision(4)}, λmax ${spectrum[spectrum.length - 1].toPrecision(4)}` : '';
    const kind = hessian.classification ? `${hessian.classification.kind}${hessian.classification.index ? ` (index ${hessian.classification.index})` : ''}` : 'not classified';
    lines.push(`  hessian: ${hessian.dimension} parameters, ${kind}${extremes}`);
  }
  const landscape = results.landscape;
  if (landscape) {
    const finite = landscape.loss.filter((value): value is number => value !== null && Number.isFinite(value));
    const range = finite.length ? `, loss ${Math.min(...finite).toPrecision(4)} to ${Math.max(...finite).toPrecision(4)}` : '';
    const size = landscape.dimensions === 2 ? `${landscape.alphas.length}×${landscape.betas?.length ?? 0}` : `${landscape.alphas.length}`;
    lines.push(`  landscape: ${landscape.directions} directions, ${size} grid${range}${landscape.complete ? '' : ' (incomplete)'}`);
  }
  for (const warning of results.warnings) lines.push(`  warning: ${warning}`);
  lines.push(`results: ${join(folder, 'results.json')}`);
  return lines.join('\n');
}

/** A new folder under `runsDir` for a run of `name` (-2, -3… when the time and name are taken). */
function newRunFolder(runsDir: string, name: string): string {
  const base = join(runsDir, runFolderName(name));
  let folder = base;
  for (let suffix = 2; ; suffix++) {
    try {
      if (checkOutputFolder(folder, false) !== 'run') return folder;
    } catch {
      // taken by something else: try the next name
    }
    folder = `${base}-${suffix}`;
  }
}

/**
 * The folder the run is saved in, checked and made before the run starts: `--out` must be new,
 * empty, or (with --force) an earlier run folder or a folder whose files the run does not name;
 * the folder is created and a file written to it and removed, so one that cannot be written fails now.
 */
function prepareOutputFolder(args: Arguments, baseDir: string, name: string): string {
  const folder = args.out !== undefined ? resolve(args.out) : newRunFolder(join(baseDir, '.landscape-lens', 'runs'), name);
  try {
    checkOutputFolder(folder, args.force, '--force');
    probeOutputFolder(folder);
  } catch (error) {
    if (error instanceof OutputFolderError) throw new UsageError(`--out: ${error.message}`);
    throw error;
  }
  return folder;
}

/** Saves the run in `folder`; when that is no longer possible (something else was written there meanwhile), in a new folder beside it. Returns where it went. */
function save(folder: string, results: ExperimentResults, configText: string, record: RunRecord, force: boolean): string {
  try {
    writeResults(folder, results, configText, record, { force });
    return folder;
  } catch (error) {
    if (!(error instanceof OutputFolderError)) throw error;
    const instead = newRunFolder(dirname(folder), `${record.name}`);
    console.error(`landscape-lens: ${error.message}; saving in ${instead} instead`);
    writeResults(instead, results, configText, record);
    return instead;
  }
}

/** The PyTorch runner with --python, or the first python3 / python on the PATH that imports torch. */
function cliTorchRunner(python: string | undefined): TorchRunner {
  const explicit = python ? { path: python, source: '--python' } : undefined;
  return new TorchRunner({ packageDir: backendPackageDir(join(__dirname, '..')), findInterpreter: () => findInterpreter(interpreterCandidates({ explicit }), CLI_FIX) });
}

async function main(argv: string[]): Promise<number> {
  const args = parseArguments(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const path = resolve(args.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const baseDir = dirname(path);
  const validated = validateConfigText(text, baseDir);
  const issues = [...validated.issues, ...(validated.config ? memoryIssues(validated.config) : [])];
  const config = issues.some((issue) => issue.severity === 'error') || !validated.config ? undefined : withClusterScheduler(validated.config, args.cluster);
  for (const issue of issues) console.error(formatIssue(args.file, text, issue));
  if (!config) {
    console.error(`${args.file}: not run: fix the ${issues.filter((issue) => issue.severity === 'error').length} error(s) above`);
    return 2;
  }
  if (args.command === 'validate') {
    console.log(`${args.file}: valid${issues.length ? ` (${issues.length} warning(s))` : ''}`);
    return 0;
  }
  let folder = prepareOutputFolder(args, baseDir, config.name);
  const startedAt = new Date().toISOString();
  const printer = args.quiet ? undefined : new ProgressPrinter(process.stderr, { interactive: process.stderr.isTTY === true });
  // The run goes to the worker pool (dist/worker.js beside this file), as in the extension, or
  // for a PyTorch model to the backend in Python (python/ beside dist/).
  const runner = runsOnPytorch(config) ? cliTorchRunner(args.python) : new EngineRunner({ workerPath: join(__dirname, 'worker.js'), workers: args.workers });
  const handle = runner.start(config, {
    baseDir,
    onProgress: (report) => printer?.progress(report.fraction, report.message),
    onLog: (line) => printer?.log(line),
  });
  const onInterrupt = () => {
    printer?.log('cancelling: the finished part is kept');
    handle.cancel();
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  const outcome = await handle.result;
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  printer?.finish();
  await runner.dispose();
  const { results } = outcome;
  const record: RunRecord = { name: config.name, status: outcome.status, reason: outcome.reason, startedAt, finishedAt: new Date().toISOString(), configPath: path };
  try {
    folder = save(folder, results, text, record, args.force);
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
