/**
 * The log/linear choice of a chart's y axis: whether a logarithmic axis can show the values
 * (every value positive; log of zero or a negative value is undefined) and whether it should
 * by default (the values span several decades).
 */

/** The values that are present and finite. */
function present(values: readonly (number | undefined | null)[]): number[] {
  return values.filter((value): value is number => value !== undefined && value !== null && Number.isFinite(value));
}

/** A logarithmic axis can draw every value: at least one is present and none is ≤ 0. */
export function allPositive(values: readonly (number | undefined | null)[]): boolean {
  const shown = present(values);
  return shown.length > 0 && shown.every((value) => value > 0);
}

/** Every value is positive and max / min exceeds 10^decades. */
export function spansDecades(values: readonly (number | undefined | null)[], decades = 1.5): boolean {
  if (!allPositive(values)) return false;
  const shown = present(values);
  return Math.max(...shown) / Math.min(...shown) > 10 ** decades;
}

/** A log/linear switch as a card shows it: one per chart, or one per panel of small multiples. */
export interface LogAxisSwitch {
  /** Where the choice is remembered (the view state's logAxes key). */
  key: string;
  /** The panel the switch belongs to, when a card has several. */
  label?: string;
  log: boolean;
  /** Why a logarithmic axis cannot be offered (the switch is then disabled). */
  unavailable?: string;
  onToggle: (log: boolean) => void;
}

/**
 * The switch for values under the user's remembered choice: logarithmic when chosen, else when the
 * values span more than `decades` decades; never logarithmic when a value is ≤ 0.
 */
export function logAxisSwitch(key: string, values: readonly (number | undefined | null)[], chosen: Record<string, boolean>, onToggle: (key: string, log: boolean) => void, options: { decades?: number; label?: string } = {}): LogAxisSwitch {
  const possible = allPositive(values);
  return {
    key,
    label: options.label,
    log: possible && (chosen[key] ?? spansDecades(values, options.decades)),
    unavailable: possible ? undefined : 'A logarithmic axis needs positive values; some of these are zero or negative',
    onToggle: (log) => onToggle(key, log),
  };
}
