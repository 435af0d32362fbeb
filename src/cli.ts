#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { validateConfigText } from './config/validate';
import type { ConfigIssue } from './config/types';
import { runExperiment } from './core/experiment';
import { runFolderName, writeResults } from './results-store';
import type { ExperimentResults } from './results';

const USAGE = `Landscape Lens: loss landscapes, saddle points and Hessian spectra from the command line.

Usage:
  landscape-lens run <config.landscape.json> [--out <dir>] [--quiet]
      Validate and run an experiment; write results.json and a CSV per trajectory to <dir>
      (default: .landscape-lens/runs/<time>-<name> beside the config).
  landscape-lens validate <config.landscape.json>
      Check a config against the schema and the semantic rules; print every problem.

Exit codes: 0 done, 1 the run failed, 2 the config (or the command line) is wrong.`;

/** A command-line mistake: exit 2 with the message. */
class UsageError extends Error {}

interface Arguments {
  command: string;
  file: string;
  out?: string;
  quiet: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError(USAGE);
  if (command !== 'run' && command !== 'validate') throw new UsageError(`unknown command "${command}": use "run" or "validate"\n\n${USAGE}`);
  let file: string | undefined;
  let out: string | undefined;
  let quiet = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--out') {
      out = rest[++i];
      if (!out) throw new UsageError('--out needs a folder: --out <dir>');
    } else if (rest[i] === '--quiet') quiet = true;
    else if (rest[i].startsWith('--')) throw new UsageError(`unknown option "${rest[i]}"\n\n${USAGE}`);
    else if (file) throw new UsageError(`one config file at a time (got "${file}" and "${rest[i]}")`);
    else file = rest[i];
  }
  if (!file) throw new UsageError(`${command} needs a config file: landscape-lens ${command} <config.landscape.json>`);
  return { command, file, out, quiet };
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

function summarize(results: ExperimentResults, folder: string): string {
  const lines = [`${results.name}`];
  for (const trajectory of results.trajectories ?? []) {
    const last = trajectory.points[trajectory.points.length - 1] ?? [];
    const where = last.map((value) => value.toPrecision(4)).join(', ');
    lines.push(`  ${trajectory.label.padEnd(28)} ${trajectory.status.padEnd(22)} steps ${String(trajectory.steps).padStart(6)}  f = ${(trajectory.values.at(-1) ?? NaN).toPrecision(5)} at (${where})`);
  }
  if (results.criticalPoints) {
    const counts = new Map<string, number>();
    for (const point of results.criticalPoints) counts.set(point.kind, (counts.get(point.kind) ?? 0) + 1);
    lines.push(`  critical points: ${[...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'none found'}`);
  }
  for (const warning of results.warnings) lines.push(`  warning: ${warning}`);
  lines.push(`results: ${join(folder, 'results.json')}`);
  return lines.join('\n');
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
  const results = await runExperiment(config, {
    baseDir,
    onProgress: (report) => {
      if (!args.quiet) process.stderr.write(`[${Math.round(report.fraction * 100).toString().padStart(3)}%] ${report.message}\n`);
    },
  });
  writeResults(folder, results, text);
  console.log(summarize(results, folder));
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
