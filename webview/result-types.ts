/** Result types the charts use, derived from the protocol's ExperimentResults (the webview sees only src/protocol.ts). */
import type { ExperimentResults } from '../src/protocol';

export type TrajectoryResult = NonNullable<ExperimentResults['trajectories']>[number];
export type CriticalPointResult = NonNullable<ExperimentResults['criticalPoints']>[number];
export type CriticalPointKind = CriticalPointResult['kind'];
