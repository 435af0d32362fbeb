/**
 * The time the extension's bundle began running its modules: extension.ts imports this module
 * first, so it runs before every other module of the bundle, and activate() measures from here.
 */
export const bundleStarted = performance.now();
