/**
 * Shared by the pytorch-*.test.ts files: the interpreter with torch (Debian's /usr/bin/python3),
 * the backend's package folder (python/ of the repository, or LANDSCAPE_LENS_BACKEND_DIR), temp
 * folders with Python files, and a TorchRunner run to its outcome.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TorchRunner } from '../../src/backends/pytorch';
import type { ExperimentConfig } from '../../src/config/types';
import { validateConfigValue } from '../../src/config/validate';
import type { ExperimentResults, ProgressReport } from '../../src/shared/results';
import type { RunHandle, RunOutcome } from '../../src/runner';

export const PYTHON = '/usr/bin/python3';
export const packageDir = process.env.LANDSCAPE_LENS_BACKEND_DIR || join(__dirname, '..', '..', 'python');

/** Why the tests that need torch cannot run here, or undefined when /usr/bin/python3 imports torch. */
export const torchMissing: string | undefined = (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch: ${probe.stderr.trim().split('\n').at(-1)}`;
  return undefined;
})();
if (torchMissing) console.log(`# skipping the tests against the real PyTorch backend: ${torchMissing}`);

/** A fresh folder holding `files` (relative path → text). */
export function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-torch-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

export function torchRunner(cancelGraceMs?: number): TorchRunner {
  return new TorchRunner({ packageDir, cancelGraceMs, findInterpreter: async () => ({ path: PYTHON, source: 'the tests', python: '3', torch: '?' }) });
}

export interface Observed {
  handle: RunHandle;
  outcome: Promise<RunOutcome>;
  logs: string[];
  progress: { report: ProgressReport; soFar: ExperimentResults }[];
}

/** Validates `value` (it must be valid), then starts it on `runner`, recording the log and progress. */
export function startRun(runner: TorchRunner, value: ExperimentConfig, baseDir: string, onProgress?: (report: ProgressReport, soFar: ExperimentResults) => void): Observed {
  const { config, issues } = validateConfigValue(value, baseDir);
  if (!config) throw new Error(`the test's config is invalid: ${JSON.stringify(issues)}`);
  const logs: string[] = [];
  const progress: Observed['progress'] = [];
  const handle = runner.start(config, {
    baseDir,
    onLog: (line) => logs.push(line),
    onProgress: (report, soFar) => {
      progress.push({ report, soFar: structuredClone(soFar) });
      onProgress?.(report, soFar);
    },
  });
  return { handle, outcome: handle.result, logs, progress };
}
