/**
 * The results panel in the editor area (one at a time), restored after a window reload by a
 * WebviewPanelSerializer: the host re-renders it from the run it last showed.
 */
import * as vscode from 'vscode';
import { isRunId } from './pure/message-validation';
import type { RunController } from '../runs/run-controller';
import { connectWebview, webviewOptions } from './webview-host';

export const PANEL_VIEW_TYPE = 'landscapeLens.results';

export class ResultsPanel implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private panel?: vscode.WebviewPanel;
  private connection?: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri, private readonly controller: RunController) {}

  /** Opens the panel beside the editor, or reveals it. */
  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Landscape Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, webviewOptions(this.extensionUri));
    this.adopt(panel, true);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Restores a panel VS Code kept across a reload, showing the run the webview last showed (its persisted runId). */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const runId = (state as { runId?: unknown } | undefined)?.runId;
    if (isRunId(runId) && runId !== this.controller.shown?.summary.id) {
      try {
        await this.controller.open(runId);
      } catch {
        // that run's folder is gone: show the last run instead
      }
    }
    this.adopt(panel);
  }

  /** Takes over a panel; `optionsSet` when it was created with the webview options already. */
  private adopt(panel: vscode.WebviewPanel, optionsSet = false): void {
    this.connection?.dispose();
    this.panel?.dispose();
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    // The page asks for the state itself whenever it loads or shows again.
    this.connection = connectWebview(panel.webview, 'panel', this.extensionUri, this.controller, () => panel.visible, optionsSet);
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.connection?.dispose();
      this.connection = undefined;
      this.panel = undefined;
    });
  }

  dispose(): void {
    this.connection?.dispose();
    this.panel?.dispose();
  }
}
