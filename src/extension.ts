import * as vscode from 'vscode';

/** activate(): registers what host/ provides. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('landscapeLens.runExperiment', () => {
      void vscode.window.showInformationMessage('Landscape Lens: the runner is not wired yet.');
    }),
  );
}

export function deactivate(): void {}
