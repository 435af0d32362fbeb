/** The "Landscape Lens" activity-bar view: quick race controls, the run history and the current run. */
import * as vscode from 'vscode';
import type { RunController } from '../runs/run-controller';
import { connectWebview } from './webview-host';

export const SIDE_VIEW_ID = 'landscapeLens.sideView';

export class SideViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private connection?: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri, private readonly controller: RunController) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.connection?.dispose();
    // The page asks for the state itself whenever it loads or shows again.
    this.connection = connectWebview(view.webview, 'side', this.extensionUri, this.controller, () => view.visible);
    view.onDidDispose(() => this.connection?.dispose());
  }

  dispose(): void {
    this.connection?.dispose();
  }
}
