/** Number formatting for axes, tooltips and readouts: the views' one format (src/shared/format-number.ts). */
import { formatNumber } from '../../src/shared/format-number';

export { formatNumber };

/** A point as "(x, y)". */
export function formatPoint(point: readonly number[]): string {
  return `(${point.map((coordinate) => formatNumber(coordinate)).join(', ')})`;
}

/** A file-name-safe slug of a run or chart name. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
}

/** Rows as CSV text (RFC 4180 quoting). */
export function toCsv(header: string[], rows: (string | number | undefined)[][]): string {
  const cell = (value: string | number | undefined): string => {
    if (value === undefined) return '';
    const textValue = String(value);
    return /[",\n]/.test(textValue) ? `"${textValue.replace(/"/g, '""')}"` : textValue;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
