/** The colours and fonts the charts draw with (read from the VS Code theme by theme.ts); no DOM here. */
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
  /** One colour per optimizer / series, from VS Code's `charts.*` colours first. */
  series: string[];
  /** Colour ramp of the contour fill and the 3-D surface, low to high. */
  ramp: string[];
  /** Marker colours of critical points by kind. */
  critical: Record<'minimum' | 'saddle' | 'maximum' | 'degenerate', string>;
  /** Shading of plateau regions and event lines in training curves. */
  plateau: string;
  event: string;
}
