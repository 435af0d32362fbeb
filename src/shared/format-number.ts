/**
 * The one number format of the views (the panel's plain tables, chart axes, tooltips and
 * readouts): `digits` significant digits, exponent form for very large or tiny magnitudes,
 * "—" for a missing value. Pure; the webview bundles it too.
 */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(Math.max(digits - 1, 1)).replace('e+', 'e');
  return String(Number(value.toPrecision(digits)));
}
