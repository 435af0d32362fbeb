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

/** Polls `probe` every 100 ms until it gives a value (not undefined or false); fails naming `what` after the timeout. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
