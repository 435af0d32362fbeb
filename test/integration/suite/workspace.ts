// What the extension-host suites share: the test workspace's files and the host's test state
// (the INTERNAL landscapeLens._testState command).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The host's test state, typed by what a suite reads of it. */
export const hostStateOf = <State>() => vscode.commands.executeCommand<State>('landscapeLens._testState');

/** A path in the test workspace (the examples/ copy). */
export function workspaceUri(...names: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (the examples/ copy)');
  return vscode.Uri.joinPath(folder.uri, ...names);
}

/** Writes a file into the test workspace. */
export async function writeWorkspaceFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}
