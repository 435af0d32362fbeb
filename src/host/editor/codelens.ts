/** "▶ Run" above a config file and "▶ Run only this" above each optimizer entry. */
import * as vscode from 'vscode';
import { lensTargets } from './pure/config-locations';
import { isConfigUri } from './config-files';

export class ConfigCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isConfigUri(document.uri)) return [];
    return lensTargets(document.getText()).map((target) => {
      const range = new vscode.Range(document.positionAt(target.offset), document.positionAt(target.offset));
      if (target.kind === 'run') {
        return new vscode.CodeLens(range, { title: '▶ Run', tooltip: 'Run this experiment', command: 'landscapeLens.runExperiment', arguments: [document.uri] });
      }
      return new vscode.CodeLens(range, {
        title: '▶ Run only this',
        tooltip: `Run the experiment with ${target.label} only`,
        command: 'landscapeLens.runExperiment',
        arguments: [document.uri, { optimizerIndex: target.index }],
      });
    });
  }
}
