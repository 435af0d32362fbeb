#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { validateConfigText } from './config/validate';
import type { ConfigIssue } from './config/types';
import { EngineRunner, runsOnPytorch } from './runner';
import { CLI_FIX, TorchRunner, backendPackageDir, findInterpreter, interpreterCandidates } from './backends/pytorch';
import { runFolderName, writeResults, type RunRecord } from './results-store';
import type { ExperimentResults } from './results';

const USAGE = `Landscape Lens: loss landscapes, saddle points and Hessian spectra from the command line.

Usage:
  landscape-lens run <config.landscape.json> [--out <dir>] [--quiet] [--python <path>]
      Validate and run an experiment; write results.json and a CSV per trajectory to <dir>
      (default: .landscape-lens/runs/<time>-<name> beside the config).
      The run happens in worker threads (--workers <n>, default one per core); Ctrl+C cancels
      it and keeps what finished. A config with model.pytorch runs in Python with PyTorch: the
      first python3 or python on the PATH that imports torch, or --python <path>.
  landscape-lens validate <config.landscape.json>
      Check a config against the schema and the semantic rules; print every problem.

Exit codes: 0 done, 1 the run failed (what finished is saved), 2 the config (or the command line)
is wrong, 130 cancelled (what finished is saved).`;

/** A command-line mistake: exit 2 with the message. */
class UsageError extends Error {}

interface Arguments {
  command: string;
  file: string;
  out?: string;
  quiet: boolean;
  workers?: number;
  python?: string;
}

function parseArguments(argv: string[]): Arguments {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError(USAGE);
  if (command !== 'run' && command !== 'validate') throw new UsageError(`unknown command "${command}": use "run" or "validate"\n\n${USAGE}`);
  let file: string | undefined;
  let out: string | undefined;
  let quiet = false;
  let workers: number | undefined;
  let python: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--out') {
      out = rest[++i];
      if (!out) throw new UsageError('--out needs a folder: --out <dir>');
    } else if (rest[i] === '--workers') {
      workers = Number(rest[++i]);
      if (!Number.isInteger(workers) || workers < 1) throw new UsageError('--workers needs a whole number of at least 1: --workers 2');
    } else if (rest[i] === '--python') {
      python = rest[++i];
      if (!python) throw new UsageError('--python needs the path of a Python interpreter with PyTorch: --python /usr/bin/python3');
    } else if (rest[i] === '--quiet') quiet = true;
    else if (rest[i].startsWith('--')) throw new UsageError(`unknown option "${rest[i]}"\n\n${USAGE}`);
    else if (file) throw new UsageError(`one config file at a time (got "${file}" and "${rest[i]}")`);
    else file = rest[i];
  }
  if (!file) throw new UsageError(`${command} needs a config file: landscape-lens ${command} <config.landscape.json>`);
  return { command, file, out, quiet, workers, python };
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

/** The PyTorch runner with --python, or the first python3 / python on the PATH that imports torch. */
function cliTorchRunner(python: string | undefined): TorchRunner {
  const explicit = python ? { path: python, source: '--python' } : undefined;
  return new TorchRunner({ packageDir: backendPackageDir(join(__dirname, '..')), findInterpreter: () => findInterpreter(interpreterCandidates({ explicit }), CLI_FIX) });
}

async function main(argv: string[]): Promise<number> {
  const args = parseArguments(argv);
  const path = resolve(args.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const baseDir = dirname(path);
  const { config, issues } = validateConfigText(text, baseDir);
  for (const issue of issues) console.error(formatIssue(args.file, text, issue));
  if (!config) {
    console.error(`${args.file}: not run: fix the ${issues.filter((issue) => issue.severity === 'error').length} error(s) above`);
    return 2;
  }
  if (args.command === 'validate') {
    console.log(`${args.file}: valid${issues.length ? ` (${issues.length} warning(s))` : ''}`);
    return 0;
  }
  const folder = resolve(args.out ?? join(baseDir, '.landscape-lens', 'runs', runFolderName(config.name)));
  const startedAt = new Date().toISOString();
  // The run goes to the worker pool (dist/worker.js beside this file), as in the extension, or
  // for a PyTorch model to the backend in Python (python/ beside dist/).
  const runner = runsOnPytorch(config) ? cliTorchRunner(args.python) : new EngineRunner({ workerPath: join(__dirname, 'worker.js'), workers: args.workers });
  const handle = runner.start(config, {
    baseDir,
    onProgress: (report) => {
      if (!args.quiet) process.stderr.write(`[${Math.round(report.fraction * 100).toString().padStart(3)}%] ${report.message}\n`);
    },
    onLog: (line) => {
      if (!args.quiet) process.stderr.write(`${line}\n`);
    },
  });
  const onInterrupt = () => {
    process.stderr.write('cancelling: the finished part is kept\n');
    handle.cancel();
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  const outcome = await handle.result;
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  await runner.dispose();
  const { results } = outcome;
  const record: RunRecord = { name: config.name, status: outcome.status, reason: outcome.reason, startedAt, finishedAt: new Date().toISOString(), configPath: path };
  writeResults(folder, results, text, record);
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
