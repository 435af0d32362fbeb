/**
 * The HTML page of both webviews (the shell test/webview/harness.html mirrors): a strict CSP
 * with a nonce, media/webview.css, the webview bundle (dist/webview.js) rendering into
 * <div id="app">, and the host's plain view of the shown run in <section id="plain-results">.
 * The plain view shows while #app is empty (no bundle, or one that failed to load) and hides
 * by CSS once the bundle draws. The side view's quick-race links always show, on top. No `vscode` here.
 */
import { randomBytes } from 'node:crypto';

export interface ShellOptions {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/webview.js */
  scriptUri: string;
  /** asWebviewUri of media/webview.css */
  styleUri: string;
  /** 'panel' (editor area) or 'side' (activity-bar view); the bundle reads it from body[data-view]. */
  view: 'panel' | 'side';
  title: string;
  /** Escaped HTML of the plain view (plain-view-html.ts). */
  plainHtml: string;
  /** Escaped HTML always shown above the bundle's view (the side view's quick-race links). */
  headerHtml?: string;
  nonce?: string;
}

/** 32 random base64 characters, fresh for each page. */
export function createNonce(): string {
  return randomBytes(24).toString('base64');
}

/** The Content-Security-Policy: nothing remote, scripts only with the nonce, no eval. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const STYLE = `
#app:not(:empty) ~ #plain-results { display: none; }
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; font-variant-numeric: tabular-nums; }
pre { white-space: pre-wrap; font-family: var(--vscode-editor-font-family); }
.status-failed, .status-cancelled, .status-stopped { color: var(--vscode-errorForeground); }
.history .current { font-weight: bold; }
body[data-view="side"] { padding: 0 8px; }
body[data-view="side"] table { font-size: 0.9em; }
`;

/** The page: meta CSP, a nonce'd style for the plain view, the root for the bundle, the plain view, the bundle. */
export function shellHtml(options: ShellOptions): string {
  const nonce = options.nonce ?? createNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${options.title.replace(/[&<>"']/g, '')}</title>
<link rel="stylesheet" href="${options.styleUri}" nonce="${nonce}">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-view="${options.view}">
${options.headerHtml ? `<section id="quick-race">\n${options.headerHtml}\n</section>\n` : ''}<div id="app"></div>
<section id="plain-results">
${options.plainHtml}
</section>
<script nonce="${nonce}" src="${options.scriptUri}"></script>
</body>
</html>`;
}
