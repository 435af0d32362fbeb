/** Result types the charts use: those of results.json (src/shared/results.ts). */
export type { CriticalPointKind, CriticalPointResult, TrajectoryResult } from '../../src/shared/results';
