/**
 * The replay controls of a page with trajectories: a play/pause button that animates the
 * trajectories step by step, a slider to scrub, the step readout, the log-levels switch and
 * a zoom reset. The slider is a native range input (@vscode-elements has no slider).
 */
export interface ReplayHandlers {
  onStep: (step: number) => void;
  onPlayToggle: () => void;
  onLogLevels: (logarithmic: boolean) => void;
  onResetZoom: () => void;
}

export interface ReplayControls {
  element: HTMLElement;
  sync: (step: number, length: number, playing: boolean, logLevels: boolean) => void;
}

/** Builds the replay toolbar. */
export function createReplayControls(handlers: ReplayHandlers): ReplayControls {
  const element = document.createElement('div');
  element.className = 'toolbar';
  const play = document.createElement('vscode-button');
  play.id = 'replay-play';
  play.title = 'Replay the trajectories step by step';
  play.addEventListener('click', handlers.onPlayToggle);
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.id = 'replay-step';
  slider.min = '0';
  slider.setAttribute('aria-label', 'Replay step');
  slider.addEventListener('input', () => handlers.onStep(Number(slider.value)));
  const label = document.createElement('span');
  label.className = 'step-label';
  const logLevels = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  logLevels.id = 'log-levels';
  logLevels.setAttribute('label', 'log levels');
  logLevels.title = 'Space the contour levels logarithmically above the minimum (as loss-landscape plots do)';
  logLevels.addEventListener('change', () => handlers.onLogLevels(logLevels.checked));
  const reset = document.createElement('vscode-button');
  reset.setAttribute('secondary', '');
  reset.textContent = 'Reset zoom';
  reset.title = 'Show the whole domain again (zoom with the wheel, pan by dragging)';
  reset.addEventListener('click', handlers.onResetZoom);
  element.append(play, slider, label, logLevels, reset);
  return {
    element,
    sync: (step, length, playing, logarithmic) => {
      slider.max = String(length);
      slider.value = String(Math.min(step, length));
      label.textContent = `step ${Math.min(step, length)} / ${length}`;
      play.textContent = playing ? '❚❚ Pause' : '▶ Play';
      logLevels.checked = logarithmic;
    },
  };
}
