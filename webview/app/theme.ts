/**
 * Colours and fonts from VS Code's theme variables (`--vscode-*`), re-read whenever the body's
 * theme class changes (vscode-light, vscode-dark, vscode-high-contrast, vscode-high-contrast-light).
 */
import type { Theme } from '../charts/palette';

export type { Theme } from '../charts/palette';

// Viridis, sampled at 9 stops (perceptually uniform, readable for colour-blind users).
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
// Cividis-like ramp for light themes: lighter ends keep the trajectories visible.
const LIGHT_RAMP = ['#2b3a8c', '#3f5aa8', '#5b7bbf', '#7f9ccf', '#a6bcd9', '#cfd8cf', '#e8dfa8', '#f3c96b', '#f6a53b'];

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

function themeKind(body: HTMLElement): Theme['kind'] {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Reads the theme from the computed `--vscode-*` variables of the document. */
export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const kind = themeKind(document.body);
  const dark = kind === 'dark' || kind === 'high-contrast';
  const foreground = variable(style, '--vscode-editor-foreground', variable(style, '--vscode-foreground', dark ? '#cccccc' : '#333333'));
  const contrastBorder = variable(style, '--vscode-contrastBorder', '');
  const fontSize = Number.parseFloat(variable(style, '--vscode-font-size', '13px'));
  const chart = (name: string, fallback: string): string => variable(style, `--vscode-charts-${name}`, fallback);
  return {
    kind,
    background: variable(style, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    foreground,
    mutedForeground: variable(style, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    border: contrastBorder || variable(style, '--vscode-panel-border', dark ? '#3c3c3c' : '#e5e5e5'),
    gridLine: contrastBorder || variable(style, '--vscode-editorIndentGuide-background', dark ? '#404040' : '#d3d3d3'),
    tooltipBackground: variable(style, '--vscode-editorHoverWidget-background', dark ? '#252526' : '#f3f3f3'),
    tooltipBorder: variable(style, '--vscode-editorHoverWidget-border', dark ? '#454545' : '#c8c8c8'),
    fontFamily: variable(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) && fontSize > 6 ? fontSize : 13,
    series: [
      chart('red', '#f14c4c'),
      chart('blue', '#3794ff'),
      chart('yellow', '#cca700'),
      chart('green', '#89d185'),
      chart('purple', '#b180d7'),
      chart('orange', '#d18616'),
      foreground,
      dark ? '#4ec9b0' : '#16825d',
      dark ? '#ff8cc6' : '#c2185b',
    ],
    ramp: kind === 'light' || kind === 'high-contrast-light' ? LIGHT_RAMP : VIRIDIS,
    critical: {
      minimum: chart('green', '#89d185'),
      saddle: chart('red', '#f14c4c'),
      maximum: chart('blue', '#3794ff'),
      degenerate: chart('yellow', '#cca700'),
    },
    plateau: dark ? 'rgba(204, 167, 0, 0.16)' : 'rgba(204, 167, 0, 0.22)',
    event: chart('orange', '#d18616'),
  };
}

/** Calls `onChange` with the new theme whenever VS Code switches the body's theme class or variables. */
export function watchTheme(onChange: (theme: Theme) => void): MutationObserver {
  let last = JSON.stringify(readTheme());
  const observer = new MutationObserver(() => {
    const theme = readTheme();
    const serialized = JSON.stringify(theme);
    if (serialized === last) return;
    last = serialized;
    onChange(theme);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return observer;
}
