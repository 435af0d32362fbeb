import * as path from 'node:path';
import * as vscode from 'vscode';

/** The landscapeLens.* settings, with their defaults. */
export interface Settings {
  /** Worker threads for long jobs; 0 means one per core. */
  workers: number;
  /** Where runs are saved: relative to the workspace folder, or absolute. */
  resultsFolder: string;
  /** Grid points per axis when a config sets none. */
  gridResolution: number;
  /** Largest parameter count for a dense Hessian; beyond it Lanczos is suggested. */
  denseHessianLimit: number;
  /** Open the results panel when a run starts. */
  autoOpenPanel: boolean;
}

/** Reads the settings for a resource (a config file's folder may override them). */
export function readSettings(scope?: vscode.Uri): Settings {
  const configuration = vscode.workspace.getConfiguration('landscapeLens', scope);
  return {
    workers: configuration.get<number>('workers', 0),
    resultsFolder: configuration.get<string>('resultsFolder', '.landscape-lens/runs'),
    gridResolution: configuration.get<number>('gridResolution', 101),
    denseHessianLimit: configuration.get<number>('denseHessianLimit', 3000),
    autoOpenPanel: configuration.get<boolean>('autoOpenPanel', true),
  };
}

/**
 * The runs folder for a config: the resultsFolder setting, resolved against the config's
 * workspace folder (the first one when the config is outside every folder), else the
 * extension's global storage.
 */
export function runsFolder(context: vscode.ExtensionContext, configUri?: vscode.Uri): string {
  const setting = readSettings(configUri).resultsFolder;
  if (path.isAbsolute(setting)) return setting;
  const folder = (configUri && vscode.workspace.getWorkspaceFolder(configUri)) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder && folder.uri.scheme === 'file') return path.join(folder.uri.fsPath, setting);
  return path.join(context.globalStorageUri.fsPath, 'runs');
}
