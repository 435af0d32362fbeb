/** The webview's handle on the host: typed messages and the persisted view state. */
import type { WebviewToHost } from '../../src/host/webview/pure/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

/** Sends a message to the extension host. */
export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

/** The state VS Code kept for this webview (across hide/show and window reloads), if any. */
export function restoredState(): unknown {
  return api.getState();
}

/** Persists the view state (VS Code hands it back to the panel serializer and to getState). */
export function persistState(state: unknown): void {
  api.setState(state);
}
