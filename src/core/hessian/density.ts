import { Random } from '../random';
import { dot } from '../linalg/vector';
import { checkCancelled, fillRademacher, type HessianOperator, type HessianRunOptions } from './operator';
import { symmetricEigen } from '../linalg/symmetric-eigen';
import { erf } from '../nn/erf';

/** What the Gaussian width means: PyHessian's sigma_squared is a variance; others give a standard deviation. */
export type WidthConvention = 'variance' | 'standard-deviation';

export interface DensityOptions extends HessianRunOptions {
  /** Lanczos steps per probe (PyHessian's iter, 100). */
  steps?: number;
  /** Rademacher probe vectors (PyHessian's n_v, 1). */
  probes?: number;
  /** Gaussian width (default 1e-5, read as a variance like PyHessian's sigma_squared). */
  width?: number;
  widthConvention?: WidthConvention;
  /** Multiply the variance by max(1, λmax − λmin) as PyHessian does (default true). */
  scaleWidthByRange?: boolean;
  /** Points of the grid (default 1000; PyHessian's num_bins is 10000). */
  gridSize?: number;
  seed?: number;
}

export interface SpectralDensity {
  /** Ascending grid of λ. */
  grid: number[];
  /** ρ(λ) at each grid point. */
  values: number[];
  /** How the smoothing was done, so the numbers compare with PyHessian or others. */
  convention: {
    width: number;
    widthConvention: WidthConvention;
    scaleWidthByRange: boolean;
    /** The standard deviation σ of the Gaussians actually used. */
    sigma: number;
    /** values are the smoothed density averaged over each grid cell (centred on the grid point). */
    sampling: 'cell-average';
  };
  steps: number;
  probes: number;
  /** Gauss quadrature nodes θ (Ritz values) per probe. */
  nodes: number[][];
  /** Their weights τ = (first component of the Ritz vector)², summing to 1 per probe. */
  weights: number[][];
  /** Σρⱼ·Δ: the mass on the grid (1 up to rounding). */
  integral: number;
}

/**
 * Eigenvalue density by stochastic Lanczos quadrature (Ghorbani, Krishnan & Xiao 2019, "An
 * investigation into neural net optimization via Hessian eigenvalue density"; as PyHessian):
 * ρ(λ) ≈ (1/m) Σ_probes Σᵢ τᵢ·N(λ; θᵢ, σ²), with (θᵢ, τᵢ) the Gauss quadrature of Lanczos from v = z/‖z‖.
 */
export function spectralDensity(operator: HessianOperator, options: DensityOptions = {}): SpectralDensity {
  const n = operator.dim;
  const steps = Math.min(options.steps ?? 100, n);
  const probeCount = options.probes ?? 1;
  const random = new Random(options.seed ?? 0);
  const nodes: number[][] = [];
  const weights: number[][] = [];
  for (let probe = 0; probe < probeCount; probe++) {
    const start = fillRademacher(new Float64Array(n), random);
    const quadrature = lanczosQuadrature(operator, start, steps, {
      signal: options.signal,
      onProgress: (fraction) => options.onProgress?.((probe + fraction) / probeCount, `density: probe ${probe + 1} of ${probeCount}`),
    });
    nodes.push(quadrature.nodes);
    weights.push(quadrature.weights);
  }
  return { ...smoothDensity(nodes, weights, options), steps, probes: probeCount, nodes, weights };
}

/** Gauss quadrature of vᵀf(H)v: m-step Lanczos with full reorthogonalization, T = SΘSᵀ, nodes θ, weights (S₀ᵢ)²; stops early on an invariant subspace. */
export function lanczosQuadrature(operator: HessianOperator, start: Float64Array, steps: number, options: HessianRunOptions = {}): { nodes: number[]; weights: number[] } {
  const n = operator.dim;
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let v = Float64Array.from(start);
  const length = Math.sqrt(dot(v, v));
  for (let i = 0; i < n; i++) v[i] /= length;
  const w = new Float64Array(n);
  for (let j = 0; j < steps; j++) {
    checkCancelled(options.signal);
    basis.push(v);
    operator.apply(v, w);
    alpha.push(dot(v, w));
    const scale = Math.sqrt(dot(w, w));
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) {
        const c = dot(u, w);
        for (let i = 0; i < n; i++) w[i] -= c * u[i];
      }
    }
    options.onProgress?.((j + 1) / steps, `Lanczos step ${j + 1}`);
    const norm = Math.sqrt(dot(w, w));
    if (j === steps - 1 || norm <= 1e-10 * scale || norm === 0) break;
    beta.push(norm);
    v = Float64Array.from(w, (value) => value / norm);
  }
  const m = alpha.length;
  const tridiagonal = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    tridiagonal[i * m + i] = alpha[i];
    if (i + 1 < m) tridiagonal[i * m + i + 1] = tridiagonal[(i + 1) * m + i] = beta[i];
  }
  const { values, vectors } = symmetricEigen(tridiagonal, m, { vectors: true, overwrite: true });
  return { nodes: Array.from(values), weights: Array.from(values, (_, k) => vectors![k * m] ** 2) };
}

/**
 * ρ(λ) = (1/m) Σ_probes Σᵢ τᵢ·N(λ; θᵢ, σ²) averaged over each grid cell, ρⱼ = (1/Δ)∫_cell ρ: the
 * Gaussian's mass in the cell by erf differences, so Σρⱼ·Δ = 1 however coarse the grid (PyHessian
 * samples the Gaussians at the grid points and renormalizes, which loses peaks narrower than Δ).
 * The grid spans the extreme nodes padded by max(0.01, 5σ); σ² = width (variance) or width²,
 * times max(1, mean λmax − mean λmin) when scaleWidthByRange, as PyHessian's density_generate.
 */
export function smoothDensity(nodes: number[][], weights: number[][], options: DensityOptions = {}): Pick<SpectralDensity, 'grid' | 'values' | 'convention' | 'integral'> {
  const width = options.width ?? 1e-5;
  const widthConvention = options.widthConvention ?? 'variance';
  const scaleWidthByRange = options.scaleWidthByRange ?? true;
  const gridSize = Math.max(options.gridSize ?? 1000, 2);
  const mean = (pick: (list: number[]) => number): number => nodes.reduce((sum, list) => sum + pick(list), 0) / nodes.length;
  const highest = mean((list) => Math.max(...list));
  const lowest = mean((list) => Math.min(...list));
  const variance = (widthConvention === 'variance' ? width : width * width) * (scaleWidthByRange ? Math.max(1, highest - lowest) : 1);
  const sigma = Math.sqrt(variance);
  const pad = Math.max(0.01, 5 * sigma);
  const low = Math.min(...nodes.map((list) => Math.min(...list))) - pad;
  const high = Math.max(...nodes.map((list) => Math.max(...list))) + pad;
  const spacing = (high - low) / (gridSize - 1);
  const grid = Array.from({ length: gridSize }, (_, j) => low + j * spacing);
  const values = new Array<number>(gridSize).fill(0);
  const scale = 1 / (sigma * Math.SQRT2);
  nodes.forEach((list, probe) => {
    list.forEach((node, i) => {
      const weight = weights[probe][i] / (nodes.length * spacing);
      // Cells beyond 12σ hold less than 1e-32 of the mass.
      const first = Math.max(0, Math.floor((node - 12 * sigma - low) / spacing));
      const last = Math.min(gridSize - 1, Math.ceil((node + 12 * sigma - low) / spacing));
      let lower = erf((grid[first] - 0.5 * spacing - node) * scale);
      for (let j = first; j <= last; j++) {
        const upper = erf((grid[j] + 0.5 * spacing - node) * scale);
        values[j] += 0.5 * weight * (upper - lower);
        lower = upper;
      }
    });
  });
  const integral = values.reduce((sum, value) => sum + value * spacing, 0);
  return { grid, values, convention: { width, widthConvention, scaleWidthByRange, sigma, sampling: 'cell-average' }, integral };
}
