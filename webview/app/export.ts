/**
 * Exports through the host's save dialog: PNG (base64) and SVG of a chart, its data as CSV
 * or JSON. SVG re-renders the same option with ECharts' SVG renderer off-screen; a WebGL chart
 * has no vector form, so its SVG wraps the PNG.
 */
import { echarts } from '../charts/echarts-setup';
import type { Card, ExportFormat } from '../widgets/card';
import { slug } from '../charts/format';
import { post } from './vscode-api';

function pngDataUrl(card: Card, background: string): string {
  return card.chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
}

/** The chart as an SVG document. */
export function svgText(card: Card, background: string): string {
  const width = card.chart.getWidth();
  const height = card.chart.getHeight();
  if (card.webgl) {
    const href = pngDataUrl(card, background);
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" xlink:href="${href}"/></svg>\n`;
  }
  const offscreen = echarts.init(null, undefined, { renderer: 'svg', ssr: true, width, height });
  try {
    offscreen.setOption({ ...card.chart.getOption(), backgroundColor: background, animation: false });
    return offscreen.renderToSVGString();
  } finally {
    offscreen.dispose();
  }
}

/** The file the host is asked to save for one export. */
export function exportFile(card: Card, format: ExportFormat, runName: string, background: string): { fileName: string; data: string; encoding: 'utf8' | 'base64' } {
  const fileName = `${slug(runName)}-${card.id}.${format}`;
  switch (format) {
    case 'png':
      return { fileName, data: pngDataUrl(card, background).replace(/^data:image\/png;base64,/, ''), encoding: 'base64' };
    case 'svg':
      return { fileName, data: svgText(card, background), encoding: 'utf8' };
    case 'csv':
      return { fileName, data: card.csv(), encoding: 'utf8' };
    case 'json':
      return { fileName, data: JSON.stringify(card.json(), null, 2) + '\n', encoding: 'utf8' };
  }
}

/** Asks the host to save the export (it shows the save dialog). */
export function requestExport(card: Card, format: ExportFormat, runName: string, background: string): void {
  post({ type: 'saveFile', ...exportFile(card, format, runName, background) });
}
