import * as vscode from 'vscode';
import { recordLog } from './test-hooks';

let channel: vscode.LogOutputChannel | undefined;

const levels = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** The channel with each write also noted for the integration tests' state (the channel object itself is frozen). */
function noting(target: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const wrapper = Object.create(target) as vscode.LogOutputChannel;
  for (const level of levels) {
    const write = target[level].bind(target) as (message: string | Error, ...args: unknown[]) => void;
    Object.defineProperty(wrapper, level, {
      value: (message: string | Error, ...args: unknown[]) => {
        recordLog(level, message instanceof Error ? (message.stack ?? message.message) : String(message));
        write(message, ...args);
      },
    });
  }
  // The channel's other methods run on the channel itself, not on the wrapper.
  for (const method of ['append', 'appendLine', 'replace', 'clear', 'show', 'hide', 'dispose'] as const) {
    const call = target[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(wrapper, method, { value: (...args: unknown[]) => call.apply(target, args) });
  }
  return wrapper;
}

/** The "Landscape Lens" output channel: each run's config, timings and events, and refused webview messages. */
export function log(): vscode.LogOutputChannel {
  channel ??= noting(vscode.window.createOutputChannel('Landscape Lens', { log: true }));
  return channel;
}

/** Disposes the channel (on deactivate). */
export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
