/** Finding, reading and preparing (config/prepare.ts) the config a command runs. */
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../../config/types';
import { prepare, type PrepareOptions } from '../../config/prepare';
import { baseDirOf, CONFIG_GLOB, isConfigUri } from './config-files';
import { log } from '../log';
import { readSettings } from '../runs/settings';
import { refusalMessage } from '../runs/pure/prepared-run';

export interface LoadedConfig {
  uri: vscode.Uri;
  text: string;
  /** The config as the file says it (validated; ready to run once prepared): what a command derives a part of. */
  config: ExperimentConfig;
  baseDir: string;
}

/**
 * How the editor prepares a config whose folder is `scope`: the settings gridResolution and
 * denseHessianLimit as defaults, and the setting landscapeLens.cluster for PyTorch configs
 * without a cluster of their own. The run commands, the Problems panel and a re-run from the
 * panel all use it, so each shows the same problems.
 */
export function prepareOptions(scope?: vscode.Uri): PrepareOptions {
  const { gridResolution, denseHessianLimit } = readSettings(scope);
  const cluster = vscode.workspace.getConfiguration('landscapeLens', scope).get<string>('cluster', '');
  return { defaults: { gridResolution, denseHessianLimit }, cluster: { address: cluster, source: 'the setting landscapeLens.cluster', replaces: false } };
}

/** Shows why a config is not run (the Problems panel holds every problem of an open file). */
export function showRefusal(message: string, problems = true): void {
  log().error(message);
  if (!problems) {
    void vscode.window.showErrorMessage(message);
    return;
  }
  void vscode.window.showErrorMessage(message, 'Show Problems').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
}

/** A Uri from a command argument: a Uri, an absolute path or URI string, or a {scheme, path} object. */
export function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') return /^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:\\/i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  if (typeof value === 'object' && value !== null && typeof (value as { scheme?: unknown }).scheme === 'string' && typeof (value as { path?: unknown }).path === 'string') {
    return vscode.Uri.from(value as { scheme: string; path: string });
  }
  return undefined;
}

/** The config to run: the argument, else the active editor's config, else the only one or a pick. */
export async function pickConfigUri(argument: unknown, purpose: string): Promise<vscode.Uri | undefined> {
  const given = toUri(argument);
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isConfigUri(active)) return active;
  const files = await vscode.workspace.findFiles(CONFIG_GLOB, '**/{node_modules,.landscape-lens}/**', 200);
  if (files.length === 1) return files[0];
  if (files.length === 0) {
    const choice = await vscode.window.showInformationMessage('Landscape Lens: no *.landscape.json config in this workspace.', 'New Experiment from Template');
    if (choice) await vscode.commands.executeCommand('landscapeLens.newFromTemplate');
    return undefined;
  }
  const items = files
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }));
  const picked = await vscode.window.showQuickPick(items, { title: `Landscape Lens: ${purpose}`, placeHolder: 'Pick an experiment config' });
  return picked?.uri;
}

/**
 * Reads (the editor's text when open, unsaved edits included) and prepares it; shows why and
 * returns undefined when the text itself is invalid. A later step's refusal (the cluster setting,
 * the memory check) is left to the run, which prepares the part it runs: a command may run only a
 * part of the file that fits.
 */
export async function loadConfig(uri: vscode.Uri): Promise<LoadedConfig | undefined> {
  let text: string;
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  try {
    text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    void vscode.window.showErrorMessage(`Landscape Lens: cannot read ${uri.fsPath}: ${(error as Error).message}`);
    return undefined;
  }
  const baseDir = baseDirOf(uri);
  const label = vscode.workspace.asRelativePath(uri);
  const prepared = prepare(text, baseDir, prepareOptions(uri));
  for (const issue of prepared.issues) log().info(`${label} ${issue.severity}${issue.path ? ` ${issue.path}` : ''}: ${issue.message}`);
  if (!prepared.written) {
    showRefusal(refusalMessage(label, prepared.issues));
    return undefined;
  }
  return { uri, text, config: prepared.written, baseDir };
}
