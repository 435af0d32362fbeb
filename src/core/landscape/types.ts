/**
 * Pure data types of a loss-landscape grid job: what is evaluated (a serializable problem), on
 * which plane, and the values that come back. No imports: the worker protocol and the webview
 * see these types.
 */

/** A multilayer perceptron on a data set, serializable: enough to evaluate its loss anywhere (the fields of nn/layout's MlpSpec). */
export interface MlpProblem {
  kind: 'mlp';
  /** Widths [input, hidden…, output], activation names per layer, bias flag and loss name, as nn/layout's MlpSpec. */
  spec: { sizes: number[]; activations: string[]; bias: boolean; loss: string };
  /** Inputs, row-major [samples, sizes[0]]. */
  inputs: Float64Array;
  /** Targets, row-major [samples, outputs] (one-hot for classifiers). */
  targets: Float64Array;
  samples: number;
  /** Report accuracy: argmax of output = argmax of target (or output ≥ threshold for one output). */
  classifier?: boolean;
}

/** A 2-D test surface, built-in or from an expression. */
export interface SurfaceProblem {
  kind: 'surface';
  name?: string;
  expression?: string;
  parameters?: Record<string, number>;
}

export type LandscapeProblem = MlpProblem | SurfaceProblem;

/** A plane (or line) through parameter space: θ(α, β) = origin + α·d₁ + β·d₂, sampled on alphas × betas. */
export interface PlaneSpec {
  problem: LandscapeProblem;
  origin: Float64Array;
  /** One direction (a 1-D line: betas = [0]) or two. */
  directions: Float64Array[];
  alphas: number[];
  betas: number[];
}

/** Some points of one grid row: row j (index into betas) at the given column indices (into alphas). */
export interface RowSegment {
  row: number;
  columns: number[];
}

/** The values at a segment's points, in the order of its columns. */
export interface SegmentValues extends RowSegment {
  loss: number[];
  /** Classification accuracy in [0, 1] (classifiers only). */
  accuracy?: number[];
}
