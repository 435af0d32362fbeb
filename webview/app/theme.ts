/**
 * Colours and fonts from VS Code's theme variables (`--vscode-*`), re-read whenever the body's
 * theme class changes (vscode-light, vscode-dark, vscode-high-contrast, vscode-high-contrast-light);
 * themeOf (charts/palette.ts) makes the charts' theme of them.
 */
import { themeOf, type Theme } from '../charts/palette';

export type { Theme } from '../charts/palette';

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
  return themeOf(themeKind(document.body), (name) => variable(style, name, ''));
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
