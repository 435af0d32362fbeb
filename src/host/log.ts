import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The "Landscape Lens" output channel: each run's config, timings and events, and refused webview messages. */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Landscape Lens', { log: true });
  return channel;
}

/** Disposes the channel (on deactivate). */
export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
