/** analyses.hessian: what to compute from the Hessian (PyHessian's quantities and the dense spectrum). */
export interface HessianAnalysisOptions {
  /** Dense Hessian and its whole spectrum (default: when the model has at most maxDimension parameters and neither top nor bottom is given). */
  full?: boolean;
  /** Return eigenvectors with the eigenvalues (full spectrum, top, bottom). */
  eigenvectors?: boolean;
  /** Largest parameter count of the dense path (default 3000). */
  maxDimension?: number;
  /** Number of largest eigenvalues (Lanczos). */
  top?: number;
  /** Number of most negative eigenvalues (Lanczos). */
  bottom?: number;
  /** Lanczos (default) or PyHessian's power iteration for `top`. */
  solver?: 'lanczos' | 'power';
  /** Relative residual tolerance of Lanczos / relative change tolerance of power iteration. */
  tolerance?: number;
  maxProducts?: number;
  /** The trace: Hutchinson's (default) or Hutch++'s estimate with its standard error; probes counts Hessian-vector products. */
  trace?: boolean | { method?: 'hutchinson' | 'hutch++'; probes?: number; relativeError?: number };
  density?: boolean | { steps?: number; probes?: number; width?: number; widthConvention?: 'variance' | 'standard-deviation'; scaleWidthByRange?: boolean; gridSize?: number };
  /** Also analyse during training every N epochs (and at detector events). */
  every?: number;
  /** Also analyse each layer's block (weights and bias of one layer). */
  layers?: boolean;
  method?: 'exact' | 'finite-difference';
  /** Finite-difference step ε (default 1e-5). */
  step?: number;
  /** |λ| ≤ classificationTolerance·max|λ| counts as zero (default 1e-6). */
  classificationTolerance?: number;
  /** Loss along the top and the most negative eigenvector. */
  slice?: boolean | { radius?: number; points?: number };
}
