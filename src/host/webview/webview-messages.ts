/** What the host does for each (already validated) webview message. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WebviewToHost } from './pure/protocol';
import { log } from '../log';
import type { RunController } from '../runs/run-controller';
import { compareRuns, deleteRunsCommand, openRunConfigCommand, renameRunCommand, revealRunCommand } from '../runs/run-list-commands';
import { raceFromStart } from '../runs/pure/prepared-run';
import { prepareOptions, showRefusal } from '../editor/config-loading';

export async function handleWebviewMessage(message: Exclude<WebviewToHost, { type: 'requestState' }>, controller: RunController): Promise<void> {
  switch (message.type) {
    case 'setStart': {
      // The saved config is prepared as the editor prepares a file (a saved config edited to be
      // invalid is refused with the editor's message), then run with the new start.
      const shown = controller.shown;
      if (!shown) {
        log().warn('setStart: no run is shown; nothing to re-run');
        return;
      }
      const label = shown.folder ? vscode.workspace.asRelativePath(path.join(shown.folder, 'config.landscape.json')) : `"${shown.summary.name}"`;
      const rerun = raceFromStart(shown, message.start, label, prepareOptions());
      if (!rerun.request) {
        showRefusal(rerun.refusal, false);
        return;
      }
      await controller.run({ ...rerun.request, label });
      return;
    }
    case 'openRun':
      try {
        await controller.open(message.id);
      } catch (error) {
        void vscode.window.showErrorMessage(`Landscape Lens: ${(error as Error).message}`);
        return;
      }
      if (message.inPanel) {
        if (controller.comparison) await controller.compare([]);
        await vscode.commands.executeCommand('landscapeLens.showPanel');
      }
      return;
    case 'compareRuns':
      if (message.ids.length === 0) await controller.compare([]);
      else await compareRuns(controller, message.ids);
      return;
    case 'compareWith':
      await compareRuns(controller, undefined, message.id);
      return;
    case 'renameRun':
      await renameRunCommand(controller, message.id);
      return;
    case 'deleteRuns':
      await deleteRunsCommand(controller, message.ids);
      return;
    case 'revealRun':
      await revealRunCommand(controller, message.id);
      return;
    case 'openRunConfig':
      await openRunConfigCommand(controller, message.id);
      return;
    case 'setSmoothing':
      controller.setSmoothing(message.smoothing);
      return;
    case 'cancelRun':
      controller.cancel();
      return;
    case 'saveFile':
      await saveFile(message.fileName, message.data, message.encoding);
      return;
  }
}

/** Asks where to save, then writes the webview's chart or data there. */
async function saveFile(fileName: string, data: string, encoding: 'utf8' | 'base64'): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const defaultUri = folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.file(path.join(process.cwd(), fileName));
  const extension = path.extname(fileName).slice(1).toLowerCase();
  const target = await vscode.window.showSaveDialog({ defaultUri, filters: { [extension.toUpperCase()]: [extension] } });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, encoding === 'base64' ? Buffer.from(data, 'base64') : Buffer.from(data, 'utf8'));
  log().info(`saved ${target.fsPath}`);
}
