import * as vscode from 'vscode';

/** The status-bar item shown while a run is going: its name and percentage; a click cancels. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('landscapeLens.run', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Landscape Lens run';
    this.item.command = 'landscapeLens.cancelRun';
  }

  /** Shows "⟳ name 42%" with a tooltip of the latest progress message. */
  update(name: string, fraction: number, message: string): void {
    this.item.text = `$(sync~spin) ${name} ${Math.round(fraction * 100)}%`;
    this.item.tooltip = `Landscape Lens: ${message}\nClick to cancel the run.`;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
