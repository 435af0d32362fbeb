/**
 * What the run list offers besides opening a run: compare runs (a multi-select quick pick, or
 * "Compare with…" from one run), rename a run (its run.json name, not its folder), delete runs
 * to the trash after a confirmation, reveal a run's folder, open the config a run ran.
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { renameRun } from '../../store/results-store';
import { log } from '../log';
import { isRunId } from '../webview/pure/message-validation';
import type { RunController } from './run-controller';
import { MAX_COMPARED_RUNS } from '../webview/pure/protocol';

/** Longest run name accepted by Rename. */
const MAX_NAME_LENGTH = 200;

interface RunItem extends vscode.QuickPickItem {
  id: string;
}

function runItems(controller: RunController, except?: string): RunItem[] {
  return controller.history
    .filter((run) => run.id !== except && run.status !== 'running' && run.unreadable === undefined)
    .map((run) => ({ label: run.name, description: `${run.status} · ${run.startedAt ? new Date(run.startedAt).toLocaleString() : ''}`, detail: run.id, id: run.id }));
}

/** Compares the given runs, or those picked (two or more); opens the panel at the comparison. Resolves with the ids compared. */
export async function compareRuns(controller: RunController, argument: unknown, first?: string): Promise<string[] | undefined> {
  await controller.refreshHistory();
  let ids = Array.isArray(argument) && argument.every(isRunId) ? (argument as string[]) : undefined;
  if (!ids) {
    const items = runItems(controller, first);
    if (items.length + (first ? 1 : 0) < 2) {
      void vscode.window.showInformationMessage('Landscape Lens: comparing needs at least two saved runs. Run an experiment again (e.g. with another learning rate) first.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: first ? `Landscape Lens: Compare "${controller.history.find((run) => run.id === first)?.name ?? first}" with…` : 'Landscape Lens: Compare Runs',
      placeHolder: first ? 'Tick the runs to compare it with' : 'Tick two or more runs to compare',
    });
    if (!picked) return undefined;
    ids = [...(first ? [first] : []), ...picked.map((item) => item.id)];
  }
  if (ids.length < 2) {
    void vscode.window.showInformationMessage('Landscape Lens: tick at least two runs to compare them.');
    return undefined;
  }
  if (ids.length > MAX_COMPARED_RUNS) {
    void vscode.window.showWarningMessage(`Landscape Lens: a comparison holds at most ${MAX_COMPARED_RUNS} runs; comparing the first ${MAX_COMPARED_RUNS}.`);
    ids = ids.slice(0, MAX_COMPARED_RUNS);
  }
  const unreadable = await controller.compare(ids);
  for (const problem of unreadable) log().warn(`compare: left out ${problem}`);
  if (unreadable.length > 0) void vscode.window.showWarningMessage(`Landscape Lens: ${unreadable.length} run(s) could not be read and are left out of the comparison; see the Landscape Lens output.`);
  await vscode.commands.executeCommand('landscapeLens.showPanel');
  return controller.comparison?.map((run) => run.summary.id);
}

/** Asks for a new name and writes it into the run's run.json. */
export async function renameRunCommand(controller: RunController, id: string): Promise<void> {
  const current = controller.history.find((run) => run.id === id);
  const name = await vscode.window.showInputBox({
    title: 'Landscape Lens: Rename Run',
    prompt: `New name for ${id} (the folder keeps its name)`,
    value: current?.name ?? '',
    validateInput: (value) => (value.trim().length === 0 ? 'A run name cannot be empty.' : value.length > MAX_NAME_LENGTH ? `At most ${MAX_NAME_LENGTH} characters.` : undefined),
  });
  if (name === undefined || name.trim() === current?.name) return;
  try {
    renameRun(controller.runFolder(id), name.trim());
    log().info(`renamed ${id} to "${name.trim()}"`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Landscape Lens: cannot rename ${id}: ${(error as Error).message}`);
    return;
  }
  await controller.runsChanged([id]);
}

/** Moves runs' folders to the trash after a modal confirmation; never deletes permanently. */
export async function deleteRunsCommand(controller: RunController, ids: string[]): Promise<string[]> {
  const names = ids.map((id) => controller.history.find((run) => run.id === id)?.name ?? id);
  const what = ids.length === 1 ? `the run "${names[0]}"` : `${ids.length} runs (${names.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`;
  const choice = await vscode.window.showWarningMessage(`Delete ${what}? Their folders go to the trash.`, { modal: true }, 'Move to Trash');
  if (choice !== 'Move to Trash') return [];
  const deleted: string[] = [];
  for (const id of ids) {
    const folder = controller.runFolder(id);
    if (!existsSync(path.join(folder, 'run.json'))) {
      log().warn(`delete: ${folder} is not a run folder; left as it is`);
      continue;
    }
    try {
      await vscode.workspace.fs.delete(vscode.Uri.file(folder), { recursive: true, useTrash: true });
      deleted.push(id);
      log().info(`moved ${folder} to the trash`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Landscape Lens: cannot move ${folder} to the trash (${(error as Error).message}); it was left as it is. Delete it from the file explorer if you mean to.`);
    }
  }
  await controller.runsChanged(deleted);
  return deleted;
}

/** Shows a run's folder: in the Explorer when it is inside the workspace, else in the system's file manager. */
export async function revealRunCommand(controller: RunController, id: string): Promise<void> {
  const uri = vscode.Uri.file(controller.runFolder(id));
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
}

/** Opens the config a run ran (config.landscape.json in its folder). */
export async function openRunConfigCommand(controller: RunController, id: string): Promise<void> {
  const file = path.join(controller.runFolder(id), 'config.landscape.json');
  if (!existsSync(file)) {
    void vscode.window.showErrorMessage(`Landscape Lens: ${id} has no config.landscape.json.`);
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
}
