// First: marks when the bundle's modules start running (activation time is measured from here).
import { bundleStarted, bundleStartedCpu } from './host/activation-clock';
import * as vscode from 'vscode';
import { ConfigCodeLensProvider } from './host/editor/codelens';
import { registerCommands } from './host/commands';
import { watchConfigDiagnostics } from './host/editor/diagnostics';
import { watchRunHistory } from './host/runs/history-watch';
import { disposeLog } from './host/log';
import { PANEL_VIEW_TYPE, ResultsPanel } from './host/webview/panel';
import { RunController } from './host/runs/run-controller';
import { SIDE_VIEW_ID, SideViewProvider } from './host/webview/side-view';
import { recordActivation, testState, type TestState } from './host/test-hooks';

/** What activate() returns. INTERNAL: for the integration tests only, not a public API. */
export interface LandscapeLensExports {
  _testState(): TestState;
}

/** activate(): registers what host/ provides. */
export function activate(context: vscode.ExtensionContext): LandscapeLensExports {
  const controller = new RunController(context);
  const panel = new ResultsPanel(context.extensionUri, controller);
  const sideView = new SideViewProvider(context.extensionUri, controller);
  context.subscriptions.push(
    controller,
    panel,
    sideView,
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panel),
    vscode.window.registerWebviewViewProvider(SIDE_VIEW_ID, sideView),
    vscode.languages.registerCodeLensProvider({ pattern: '**/*.landscape.json' }, new ConfigCodeLensProvider()),
    watchConfigDiagnostics(),
    watchRunHistory(context, controller),
    registerCommands(context, controller, panel),
  );
  void vscode.commands.executeCommand('setContext', 'landscapeLens.running', false);
  const cpu = process.cpuUsage(bundleStartedCpu);
  recordActivation(performance.now() - bundleStarted, (cpu.user + cpu.system) / 1000);
  return { _testState: testState };
}

export function deactivate(): void {
  disposeLog();
}
