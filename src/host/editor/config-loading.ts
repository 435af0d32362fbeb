/** Finding, reading and validating the config a command runs. */
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../../config/types';
import { validateConfigText } from '../../config/validate';
import { baseDirOf, CONFIG_GLOB, isConfigUri } from './config-files';
import { log } from '../log';
import { readSettings } from '../runs/settings';

export interface LoadedConfig {
  uri: vscode.Uri;
  text: string;
  config: ExperimentConfig;
  baseDir: string;
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

/** Reads (the editor's text when open, unsaved edits included) and validates; shows the errors and returns undefined when invalid. */
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
  const { config, issues } = validateConfigText(text, baseDir, { denseHessianLimit: readSettings(uri).denseHessianLimit });
  for (const issue of issues) log().info(`${vscode.workspace.asRelativePath(uri)} ${issue.severity}${issue.path ? ` ${issue.path}` : ''}: ${issue.message}`);
  if (!config) {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const first = errors[0];
    void vscode.window.showErrorMessage(`Landscape Lens: ${vscode.workspace.asRelativePath(uri)} has ${errors.length} error(s)${first ? `, e.g. ${first.message}` : ''}. Fix them to run it.`, 'Show Problems').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return undefined;
  }
  return { uri, text, config, baseDir };
}
