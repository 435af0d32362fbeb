/** Open Results and Export Results: a run by id, by folder, or picked from the history. */
import { cp } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toUri } from '../editor/config-loading';
import { makeRoomFor, type ExportTargetIo } from './pure/export-target';
import { isRunId } from '../webview/pure/message-validation';
import type { ResultsPanel } from '../webview/panel';
import type { RunController } from './run-controller';
import { runsFolder } from './settings';

/** Shows a run in the panel: a run id, a run folder, or a pick from the history. */
export async function openResults(context: vscode.ExtensionContext, controller: RunController, panel: ResultsPanel, run: unknown): Promise<vscode.Uri | undefined> {
  const folder = await runFolderFrom(context, controller, run, 'Open Results');
  if (!folder) return undefined;
  try {
    await controller.open(folder);
  } catch (error) {
    void vscode.window.showErrorMessage(`Landscape Lens: ${(error as Error).message}`);
    return undefined;
  }
  panel.show();
  return vscode.Uri.file(folder);
}

/** Copies a run's folder (results.json, CSVs, config) into a folder the user picks. */
export async function exportResults(context: vscode.ExtensionContext, controller: RunController, run: unknown, destinationArgument: unknown): Promise<vscode.Uri | undefined> {
  const folder = (run === undefined ? controller.shown?.folder : undefined) ?? (await runFolderFrom(context, controller, run, 'Export Results'));
  if (!folder) return undefined;
  const destination = toUri(destinationArgument)
    ?? (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, title: `Export ${path.basename(folder)} into…`, openLabel: 'Export here' }))?.[0];
  if (!destination) return undefined;
  const target = vscode.Uri.joinPath(destination, path.basename(folder));
  const relative = path.relative(folder, target.fsPath);
  if (target.scheme === 'file' && (relative === '' || !relative.startsWith('..'))) {
    void vscode.window.showInformationMessage(`Landscape Lens: ${path.basename(folder)} is already in ${destination.fsPath}; pick another folder to export it.`);
    return relative === '' ? target : undefined;
  }
  if (!(await makeRoomFor(target.fsPath, path.basename(folder), destination.fsPath, exportTargetIo(target)))) return undefined;
  // The extension host sees the run folder on its own disk: a plain recursive copy is much faster than the workspace file system's.
  try {
    if (target.scheme === 'file') await cp(folder, target.fsPath, { recursive: true, force: false, errorOnExist: true });
    else await vscode.workspace.fs.copy(vscode.Uri.file(folder), target, { overwrite: false });
  } catch (error) {
    void vscode.window.showErrorMessage(`Landscape Lens: cannot export to ${target.fsPath}: ${(error as Error).message}. Pick a folder you can write to.`);
    return undefined;
  }
  void vscode.window.showInformationMessage(`Landscape Lens: exported to ${target.fsPath}`);
  return target;
}

/** Export Results' questions and trash through the editor's workspace file system. */
function exportTargetIo(target: vscode.Uri): ExportTargetIo {
  return {
    exists: async () => {
      try {
        await vscode.workspace.fs.stat(target);
        return true;
      } catch {
        return false;
      }
    },
    askReplace: async (message) => (await vscode.window.showWarningMessage(message, { modal: true }, 'Replace')) === 'Replace',
    moveToTrash: async () => vscode.workspace.fs.delete(target, { recursive: true, useTrash: true }),
    showError: (message) => void vscode.window.showErrorMessage(message),
  };
}

/** A run folder path from a run id, a folder Uri or path, or a pick from the history. */
async function runFolderFrom(context: vscode.ExtensionContext, controller: RunController, run: unknown, title: string): Promise<string | undefined> {
  if (isRunId(run)) return path.join(runsFolder(context), run);
  const uri = toUri(run);
  if (uri) return uri.fsPath;
  await controller.refreshHistory();
  if (controller.history.length === 0) {
    void vscode.window.showInformationMessage('Landscape Lens: no saved runs yet. Run an experiment first.');
    return undefined;
  }
  const items = controller.history.map((summary) => ({ label: summary.name, description: summary.status, detail: summary.id, id: summary.id }));
  const picked = await vscode.window.showQuickPick(items, { title: `Landscape Lens: ${title}`, placeHolder: 'Pick a run' });
  return picked && path.join(runsFolder(context), picked.id);
}
