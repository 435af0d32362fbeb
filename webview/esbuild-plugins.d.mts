import type { Plugin } from 'esbuild';
/** The plugins of the webview bundle (see esbuild-plugins.mjs). */
export declare const webviewPlugins: Plugin[];
