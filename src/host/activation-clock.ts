/**
 * The time the extension's bundle began running its modules: extension.ts imports this module
 * first, so it runs before every other module of the bundle, and activate() measures from here.
 */
export const bundleStarted = performance.now();

/** The process's CPU time at the same moment: activation's own cost, which a loaded machine does not stretch as it does wall time. */
export const bundleStartedCpu = process.cpuUsage();
