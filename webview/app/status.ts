/** The header line: run name, status, progress (with Cancel) and warnings. */
import type { AppState } from './state';

/** Shows the run's name and state, the progress and a Cancel button while it runs, and its warnings. */
export function renderStatus(element: HTMLElement, state: AppState, cancel: () => void): void {
  element.replaceChildren();
  const results = state.results;
  if (!results && !state.progress) {
    element.hidden = true;
    return;
  }
  const status = state.run?.status ?? (state.final ? 'completed' : 'running');
  // While runs are compared the heading is the comparison's; the run shown before is named here
  // only while it still runs (its progress and Cancel stay in reach), and not as a heading.
  if (state.comparison && status !== 'running') {
    element.hidden = true;
    return;
  }
  element.hidden = false;
  const title = document.createElement(state.comparison ? 'span' : 'h2');
  title.className = 'run-name';
  title.textContent = results?.name ?? state.run?.name ?? 'Run';
  element.append(title);
  const badge = document.createElement('span');
  badge.className = `badge ${status}`;
  badge.textContent = state.run?.reason ? `${status}: ${state.run.reason}` : status;
  element.append(badge);
  if (state.progress && !state.final) {
    const progress = document.createElement('progress');
    progress.max = 1;
    progress.value = state.progress.fraction;
    const message = document.createElement('span');
    message.className = 'progress-message';
    message.textContent = state.progress.message;
    element.append(progress, message);
  }
  if (status === 'running') {
    const button = document.createElement('vscode-button');
    button.id = 'cancel-run';
    button.setAttribute('secondary', '');
    button.textContent = 'Cancel';
    button.title = 'Cancel the run (what finished is kept)';
    button.addEventListener('click', cancel);
    element.append(button);
  }
  for (const warning of results?.warnings ?? []) {
    const line = document.createElement('p');
    line.className = 'warning';
    line.textContent = warning;
    element.append(line);
  }
}
