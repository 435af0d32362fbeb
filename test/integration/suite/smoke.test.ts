// Smoke test of the extension inside a real extension host: it activates, registers its commands,
// and Run Experiment on the saddle-race example writes a results folder.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'landscape-lens.landscape-lens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (the examples/ copy)');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

suite('smoke', () => {
  test('the extension activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('every contributed command is registered', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    await extension.activate();
    const contributed: { command: string }[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((entry) => entry.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed commands without a registration');
    for (const entry of contributed) assert.match(entry.command, /^landscapeLens\./);
  });

  test('Run Experiment on saddle-race writes results.json', async () => {
    const registered = await vscode.commands.getCommands(true);
    assert.ok(registered.includes('landscapeLens.runExperiment'), 'landscapeLens.runExperiment is registered');
    const config = workspaceFile('saddle-race.landscape.json');
    assert.ok(await exists(config), `${config.fsPath} exists`);
    const resultsFolder = await vscode.commands.executeCommand<vscode.Uri | undefined>('landscapeLens.runExperiment', config);
    assert.ok(resultsFolder instanceof vscode.Uri, `runExperiment resolves with the results folder URI, not ${String(resultsFolder)}`);
    assert.match(resultsFolder.path, /\/\.landscape-lens\/runs\/[^/]+-[^/]+$/);
    const resultsFile = vscode.Uri.joinPath(resultsFolder, 'results.json');
    const results: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(resultsFile)));
    assert.equal(typeof results, 'object');
    assert.notEqual(results, null);
  }, 300_000);
});
