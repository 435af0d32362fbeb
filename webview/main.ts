import type { HostToWebview, WebviewToHost } from '../src/protocol';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };

const vscode = acquireVsCodeApi();
window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const root = document.getElementById('root');
  if (root && event.data.type === 'results') root.textContent = `${event.data.results.name}`;
});
vscode.postMessage({ type: 'ready' });
