/**
 * The colours and fonts the charts draw with: the theme of a kind from its `--vscode-*`
 * variables (themeOf; theme.ts reads them from the page), and the colour arithmetic that keeps
 * its kinds of mark apart: WCAG contrast against the background, and CIE76 ΔE between two
 * colours. No DOM here (ECharts' colour parser reads CSS colours).
 */
import { color } from 'echarts/core';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  background: string;
  foreground: string;
  mutedForeground: string;
  border: string;
  gridLine: string;
  tooltipBackground: string;
  tooltipBorder: string;
  fontFamily: string;
  fontSize: number;
  /**
   * One colour per optimizer / series / run, from VS Code's `charts.*` colours first. Every one
   * is chromatic: the achromatic foreground is kept for the detector's event lines.
   */
  series: string[];
  /** Colour ramp of the contour fill and the 3-D surface, low to high. */
  ramp: string[];
  /** Marker colours of critical points by kind. */
  critical: Record<'minimum' | 'saddle' | 'maximum' | 'degenerate', string>;
  /** Shading of plateau regions in training curves (translucent, under the lines). */
  plateau: string;
  /** The detector's event lines in training curves (dashed): a colour no series uses. */
  event: string;
  /** Markers of isolated eigenvalues on the Hessian spectrum: no series colour, contrast ≥ 3 against the background. */
  outlier: string;
}

/** A CSS colour as [r, g, b, a] (0–255, alpha 0–1), or undefined when it cannot be read. */
export function parseColour(css: string): [number, number, number, number] | undefined {
  const parsed = color.parse(css);
  return parsed && parsed.length >= 3 && parsed.slice(0, 3).every(Number.isFinite) ? [parsed[0], parsed[1], parsed[2], parsed[3] ?? 1] : undefined;
}

/** A translucent colour as seen over an opaque background (what the eye compares). */
export function composite(css: string, background: string): [number, number, number] {
  const [r, g, b, a] = parseColour(css) ?? [0, 0, 0, 1];
  const [br, bg, bb] = parseColour(background) ?? [0, 0, 0, 1];
  return [r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)];
}

const linear = (channel: number): number => {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** WCAG 2 relative luminance of an sRGB colour. */
export function luminance([r, g, b]: readonly number[]): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2 contrast ratio (1–21) of a colour against a background; translucent colours are composited first. */
export function contrastRatio(css: string, background: string): number {
  const a = luminance(composite(css, background));
  const b = luminance(composite(background, '#000000'));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** CIELAB (D65) of an sRGB colour. */
function lab(rgb: readonly number[]): [number, number, number] {
  const [r, g, b] = rgb.map(linear);
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference ΔE*ab of two colours as seen over `background` (about 2.3 is just noticeable; over 25 reads as another colour). */
export function deltaE(first: string, second: string, background = '#000000'): number {
  const a = lab(composite(first, background));
  const b = lab(composite(second, background));
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

// Viridis, sampled at 9 stops (perceptually uniform, readable for colour-blind users).
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
// Cividis-like ramp for light themes: lighter ends keep the trajectories visible.
const LIGHT_RAMP = ['#2b3a8c', '#3f5aa8', '#5b7bbf', '#7f9ccf', '#a6bcd9', '#cfd8cf', '#e8dfa8', '#f3c96b', '#f6a53b'];

type ChartColour = 'red' | 'blue' | 'yellow' | 'green' | 'purple' | 'orange';

/** VS Code's own `charts.*` colours of each theme kind, where the page lacks the variable. */
const CHART_DEFAULTS: Record<Theme['kind'], Record<ChartColour, string>> = {
  dark: { red: '#f14c4c', blue: '#3794ff', yellow: '#cca700', green: '#89d185', purple: '#b180d7', orange: '#d18616' },
  'high-contrast': { red: '#f14c4c', blue: '#3794ff', yellow: '#cca700', green: '#89d185', purple: '#b180d7', orange: '#d18616' },
  light: { red: '#e51400', blue: '#1a85ff', yellow: '#bf8803', green: '#388a34', purple: '#652d90', orange: '#d18616' },
  'high-contrast-light': { red: '#b5200d', blue: '#0f4a85', yellow: '#895503', green: '#374e06', purple: '#652d90', orange: '#b45f06' },
};

/**
 * Colours beyond VS Code's six, per kind: teal and pink after the six (more runs or optimizers
 * than six), and the isolated eigenvalues' magenta. Each is chromatic and, on its theme's
 * background, has a contrast of at least 3.
 */
const EXTRA: Record<Theme['kind'], { teal: string; pink: string; outlier: string }> = {
  dark: { teal: '#4ec9b0', pink: '#ff8cc6', outlier: '#ff4fd8' },
  'high-contrast': { teal: '#4ec9b0', pink: '#ff8cc6', outlier: '#ff66ff' },
  light: { teal: '#16825d', pink: '#c2185b', outlier: '#b0139a' },
  'high-contrast-light': { teal: '#0e6e4f', pink: '#a3124f', outlier: '#a0008f' },
};

/**
 * The theme of one kind from its `--vscode-*` variables (`lookup` answers a variable's value, or
 * undefined where the theme does not set it). Pure: readTheme passes the page's variables, the
 * palette's tests each kind's.
 *
 * The colours are kept apart by kind of mark: the series (lines, runs, optimizers) take the
 * chromatic `charts.*` colours, orange last (it sits next to yellow, and an event line was
 * once orange); the detector's event lines take the foreground, dashed, which no series uses;
 * plateaus a faint yellow shading under the lines; isolated eigenvalues a magenta with a
 * contrast of at least 3 against the background, else the foreground.
 */
export function themeOf(kind: Theme['kind'], lookup: (name: string) => string | undefined): Theme {
  const get = (name: string, fallback: string): string => {
    const value = lookup(name)?.trim();
    return value === undefined || value === '' ? fallback : value;
  };
  const dark = kind === 'dark' || kind === 'high-contrast';
  const foreground = get('--vscode-editor-foreground', get('--vscode-foreground', dark ? '#cccccc' : '#333333'));
  const background = get('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  const contrastBorder = get('--vscode-contrastBorder', '');
  const fontSize = Number.parseFloat(get('--vscode-font-size', '13px'));
  const chart = (name: ChartColour): string => get(`--vscode-charts-${name}`, CHART_DEFAULTS[kind][name]);
  const extra = EXTRA[kind];
  return {
    kind,
    background,
    foreground,
    mutedForeground: get('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    border: contrastBorder || get('--vscode-panel-border', dark ? '#3c3c3c' : '#e5e5e5'),
    gridLine: contrastBorder || get('--vscode-editorIndentGuide-background', dark ? '#404040' : '#d3d3d3'),
    tooltipBackground: get('--vscode-editorHoverWidget-background', dark ? '#252526' : '#f3f3f3'),
    tooltipBorder: get('--vscode-editorHoverWidget-border', dark ? '#454545' : '#c8c8c8'),
    fontFamily: get('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) && fontSize > 6 ? fontSize : 13,
    series: [chart('red'), chart('blue'), chart('yellow'), chart('green'), chart('purple'), extra.teal, extra.pink, chart('orange')],
    ramp: kind === 'light' || kind === 'high-contrast-light' ? LIGHT_RAMP : VIRIDIS,
    critical: {
      minimum: chart('green'),
      saddle: chart('red'),
      maximum: chart('blue'),
      degenerate: chart('yellow'),
    },
    plateau: dark ? 'rgba(204, 167, 0, 0.16)' : 'rgba(204, 167, 0, 0.22)',
    event: foreground,
    // A theme of its own may paint the background near the magenta: the foreground then.
    outlier: contrastRatio(extra.outlier, background) >= 3 ? extra.outlier : foreground,
  };
}
