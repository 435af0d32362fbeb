/**
 * TensorBoard's smoothing slider for compared training curves: the exponential moving average's
 * weight from 0 (raw) to 0.99. Dragging redraws; letting go also tells the host, which
 * remembers the weight per workspace.
 */
export interface SmoothingControl {
  element: HTMLElement;
  /** Shows the weight (without firing). */
  sync(weight: number): void;
}

export function createSmoothingControl(onChange: (weight: number, done: boolean) => void): SmoothingControl {
  const element = document.createElement('div');
  element.className = 'smoothing';
  const label = document.createElement('label');
  label.textContent = 'Smoothing ';
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.id = 'smoothing';
  slider.min = '0';
  slider.max = '0.99';
  slider.step = '0.01';
  slider.setAttribute('aria-label', 'Smoothing of the training curves (exponential moving average weight)');
  const value = document.createElement('output');
  value.htmlFor.add('smoothing');
  label.append(slider);
  element.append(label, value);
  element.title = 'Exponential moving average of each curve, as TensorBoard smooths; the raw curve stays faint behind. Exports keep the raw values.';
  const read = (): number => Math.min(0.99, Math.max(0, Number(slider.value)));
  slider.addEventListener('input', () => {
    value.textContent = read().toFixed(2);
    onChange(read(), false);
  });
  slider.addEventListener('change', () => onChange(read(), true));
  return {
    element,
    sync(weight) {
      if (document.activeElement !== slider) slider.value = String(weight);
      value.textContent = Number(slider.value).toFixed(2);
    },
  };
}
