import * as path from 'node:path';
import * as vscode from 'vscode';

/** Config files are named *.landscape.json. */
export const CONFIG_GLOB = '**/*.landscape.json';

export function isConfigUri(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.landscape.json');
}

/** The folder relative paths in a config resolve against. */
export function baseDirOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? path.dirname(uri.fsPath) : process.cwd();
}
