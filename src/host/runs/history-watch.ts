/**
 * Keeps the run history current when runs appear, change or vanish outside the host (the CLI
 * writing into the same folder, a user deleting one or editing its run.json: one that cannot be
 * read is listed as unreadable) and when the resultsFolder setting changes.
 */
import * as vscode from 'vscode';
import type { RunController } from './run-controller';
import { runsFolder } from './settings';

const DEBOUNCE_MS = 300;

export function watchRunHistory(context: vscode.ExtensionContext, controller: RunController): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: vscode.FileSystemWatcher | undefined;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void controller.reloadHistory(), DEBOUNCE_MS);
  };
  const watch = () => {
    watcher?.dispose();
    watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(runsFolder(context)), '*/run.json'));
    watcher.onDidCreate(refresh);
    watcher.onDidDelete(refresh);
    // A run.json rewritten in place (a rename, or one that went bad) changes its entry in the list.
    watcher.onDidChange(refresh);
  };
  watch();
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('landscapeLens.resultsFolder')) return;
      watch();
      refresh();
    }),
    { dispose: () => (clearTimeout(timer), watcher?.dispose()) },
  );
}
