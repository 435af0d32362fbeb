/**
 * The host's side of config/prepare.ts, without the editor: a run request made ready (or refused
 * with the one message every path shows: a run from the editor, a command's part of a config, a
 * race re-run from the panel), and a race re-run from a new start built from the saved run's
 * config text, checked as the editor checks that file. No `vscode` here.
 */
import * as path from 'node:path';
import { applyEdits, modify, parse as parseJsonc } from 'jsonc-parser';
import { prepare, prepareConfig, type PrepareOptions, type ReadyConfig } from '../../../config/prepare';
import type { ConfigIssue, ExperimentConfig } from '../../../config/types';
import type { OpenedRunFolder } from '../../../store/run-folder-messages';

/** What a run starts from: the text saved as the run's config, and the part of it to run when a command derived one. */
export interface RunText {
  /** The text saved as the run's config (the file's, comments kept). */
  configText: string;
  /** The part of configText's config to run (one optimizer, one analysis, a quick race); default: configText's config. */
  config?: ExperimentConfig;
  /** The folder the config's relative paths resolve against. */
  baseDir: string;
}

/** A request ready to run, or the message saying why it is not run. */
export type PreparedRun = { ready: ReadyConfig; refusal?: undefined } | { ready?: undefined; refusal: string; issues: ConfigIssue[] };

/**
 * The message a config that cannot run gets, wherever the run was asked for: `label` (the
 * config file's workspace-relative path, or the run's name) and its first error with the field
 * it names; each error's message already says the fix.
 */
export function refusalMessage(label: string, issues: readonly ConfigIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const first = errors[0];
  if (!first) return `Landscape Lens: ${label} not run.`;
  const where = first.path ? `${first.path}: ` : '';
  return errors.length === 1
    ? `Landscape Lens: ${label} not run: ${where}${first.message}`
    : `Landscape Lens: ${label} not run: ${errors.length} errors, the first: ${where}${first.message}`;
}

/** A run request through config/prepare.ts: the derived part when given, else the text. */
export function prepareRun(request: RunText, label: string, options: PrepareOptions): PreparedRun {
  const prepared = request.config ? prepareConfig(request.config, request.baseDir, options) : prepare(request.configText, request.baseDir, options);
  if (!prepared.config) return { refusal: refusalMessage(label, prepared.issues), issues: prepared.issues };
  return { ready: prepared };
}

/** The run the panel shows, as far as a re-run needs it. */
export interface SavedRun {
  /** The config text saved in the run's folder (config.landscape.json), undefined when there is none. */
  configText?: string;
  /** The folder its relative paths resolve against (the original config's). */
  baseDir?: string;
}

/**
 * The config a run folder saved, as the panel keeps it: its text, parsed when it parses
 * (unchecked: a re-run prepares the text again), and the folder its data paths are relative to
 * (the original config's, else the run folder).
 */
export function savedRunConfig(folder: string, opened: OpenedRunFolder): { config?: ExperimentConfig; configText?: string; baseDir?: string } {
  if (opened.configText === undefined) return {};
  const baseDir = opened.record?.configPath ? path.dirname(opened.record.configPath) : folder;
  const config = parseJsonc(opened.configText) as ExperimentConfig | undefined;
  return { config: config && typeof config === 'object' ? config : undefined, configText: opened.configText, baseDir };
}

/** A race re-run from a new start: the text to run, or why not. */
export type RaceRerun = { request: RunText; refusal?: undefined } | { request?: undefined; refusal: string; issues: ConfigIssue[] };

/**
 * A race re-run from `start` (a click on the contour): the saved config must itself be ready to
 * run, checked as the editor checks the file (a saved config edited to be invalid is refused
 * with the editor's message), and must be a surface race; the new text is the saved one with
 * `start` set (comments kept), which the run folder keeps.
 */
export function raceFromStart(saved: SavedRun, start: [number, number], label: string, options: PrepareOptions): RaceRerun {
  if (saved.configText === undefined) return { refusal: `Landscape Lens: ${label} is missing: the shown run has no saved config to re-run`, issues: [] };
  const baseDir = saved.baseDir ?? '.';
  const prepared = prepare(saved.configText, baseDir, options);
  if (!prepared.config) return { refusal: refusalMessage(label, prepared.issues), issues: prepared.issues };
  if (!prepared.written.surface) return { refusal: `Landscape Lens: ${label} is not a surface race: only a race re-runs from a new start`, issues: [] };
  const edits = modify(saved.configText, ['start'], start, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  return { request: { configText: applyEdits(saved.configText, edits), baseDir } };
}
