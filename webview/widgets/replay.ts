/**
 * The replay controls of a page with trajectories: a play/pause button that animates the
 * trajectories step by step, a slider to scrub, the step readout, the log-levels switch, a zoom
 * reset, and the race's start point as two numbers (the keyboard's way to do what a click on the
 * contour does). The slider is a native range input (@vscode-elements has no slider).
 */
export interface ReplayHandlers {
  onStep: (step: number) => void;
  onPlayToggle: () => void;
  onLogLevels: (logarithmic: boolean) => void;
  onResetZoom: () => void;
  /** Restarts the race from a start point (as a click on the contour does). */
  onStart: (start: [number, number]) => void;
  /** The start the shown race ran from (or the new start asked for), to fill the start fields with. */
  start: () => readonly number[] | undefined;
}

export interface ReplayControls {
  element: HTMLElement;
  sync: (step: number, length: number, playing: boolean, logLevels: boolean) => void;
}

/** A number field of the start form. */
function numberField(id: string, text: string, description: string): { label: HTMLLabelElement; input: HTMLInputElement } {
  const label = document.createElement('label');
  label.textContent = `${text} `;
  const input = document.createElement('input');
  input.type = 'number';
  input.id = id;
  input.step = 'any';
  input.setAttribute('aria-label', description);
  label.append(input);
  return { label, input };
}

/**
 * The start point as two number fields and a button; Enter in a field or the button restarts the
 * race from there. A field that does not hold a number is named in the message beside them, and
 * nothing is sent.
 */
function createStartForm(handlers: ReplayHandlers): { element: HTMLElement; sync: () => void } {
  const element = document.createElement('div');
  element.className = 'start-form';
  element.setAttribute('role', 'group');
  element.setAttribute('aria-label', 'Restart the race from a start point');
  const x = numberField('start-x', 'start x', 'Start point x');
  const y = numberField('start-y', 'y', 'Start point y');
  const restart = document.createElement('vscode-button');
  restart.id = 'start-restart';
  restart.setAttribute('secondary', '');
  restart.textContent = 'Restart here';
  restart.title = 'Run the race again from this start point (as a click on the contour does)';
  const error = document.createElement('span');
  error.className = 'start-error';
  error.id = 'start-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const submit = (): void => {
    const missing = [x, y].filter((field) => !Number.isFinite(field.input.valueAsNumber));
    error.hidden = missing.length === 0;
    for (const field of [x, y]) field.input.setAttribute('aria-invalid', String(missing.includes(field)));
    if (missing.length > 0) {
      error.textContent = `${missing.map((field) => field.input.getAttribute('aria-label')).join(' and ')}: enter a number (e.g. -0.5) to restart the race from there.`;
      missing[0]?.input.focus();
      return;
    }
    handlers.onStart([x.input.valueAsNumber, y.input.valueAsNumber]);
  };
  for (const field of [x, y]) {
    field.input.setAttribute('aria-describedby', error.id);
    field.input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      submit();
    });
  }
  restart.addEventListener('click', submit);
  element.append(x.label, y.label, restart, error);
  // The fields follow the race's start until the user types: a replay step redraws often, and
  // must not undo a half-typed point; another start (a new run, a click) fills them again.
  let shownStart = '';
  return {
    element,
    sync: () => {
      const start = handlers.start();
      const key = start ? `${start[0]},${start[1]}` : '';
      if (key === shownStart) return;
      shownStart = key;
      x.input.value = start?.[0] === undefined ? '' : String(start[0]);
      y.input.value = start?.[1] === undefined ? '' : String(start[1]);
      error.hidden = true;
      for (const field of [x, y]) field.input.removeAttribute('aria-invalid');
    },
  };
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
  const start = createStartForm(handlers);
  element.append(play, slider, label, logLevels, reset, start.element);
  return {
    element,
    sync: (step, length, playing, logarithmic) => {
      const shown = Math.min(step, length);
      slider.max = String(length);
      slider.value = String(shown);
      // A screen reader reads the step as the readout beside the slider says it.
      slider.setAttribute('aria-valuetext', `step ${shown} of ${length}`);
      label.textContent = `step ${shown} / ${length}`;
      play.textContent = playing ? '❚❚ Pause' : '▶ Play';
      // The button is named by its action, not by the symbol drawn before it.
      play.setAttribute('aria-label', playing ? 'Pause the replay' : 'Play the replay');
      logLevels.checked = logarithmic;
      start.sync();
    },
  };
}
