import { erf } from './erf';

/** Activation names, as a config writes them (torch.nn names in snake case). */
export const ACTIVATION_NAMES = ['tanh', 'sigmoid', 'relu', 'leaky_relu', 'gelu', 'softplus', 'linear'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** torch.nn.LeakyReLU's default negative slope. */
export const LEAKY_SLOPE = 0.01;
/** torch.nn.Softplus's default threshold: above it softplus(z) = z. */
const SOFTPLUS_THRESHOLD = 20;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT2PI = 0.3989422804014327;

/**
 * An element-wise activation with its first two derivatives (the second feeds the exact
 * Hessian-vector product). Each writes out[i] from z[i] for i in [0, count).
 */
export interface Activation {
  readonly name: ActivationName;
  /** out = f(z). */
  apply(z: Float64Array, out: Float64Array, count: number): void;
  /** out = f′(z), given z and a = f(z). */
  derivative(z: Float64Array, a: Float64Array, out: Float64Array, count: number): void;
  /** out = f″(z), given z and a = f(z). */
  secondDerivative(z: Float64Array, a: Float64Array, out: Float64Array, count: number): void;
}

/** σ(z) = 1/(1 + e^(−z)), stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softplus(z) = log(1 + e^z), = z above torch's threshold 20. */
export function softplus(z: number): number {
  if (z > SOFTPLUS_THRESHOLD) return z;
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

type Scalar = (z: number, a: number) => number;

function elementwise(name: ActivationName, f: (z: number) => number, d1: Scalar, d2: Scalar): Activation {
  return {
    name,
    apply(z, out, count) {
      for (let i = 0; i < count; i++) out[i] = f(z[i]);
    },
    derivative(z, a, out, count) {
      for (let i = 0; i < count; i++) out[i] = d1(z[i], a[i]);
    },
    secondDerivative(z, a, out, count) {
      for (let i = 0; i < count; i++) out[i] = d2(z[i], a[i]);
    },
  };
}

/** GELU (Hendrycks & Gimpel 2016), exact form of torch.nn.GELU: z·Φ(z); f′ = Φ + zφ; f″ = φ(2 − z²). */
function gelu(z: number): number {
  return 0.5 * z * (1 + erf(z * INV_SQRT2));
}
function normalDensity(z: number): number {
  return INV_SQRT2PI * Math.exp(-0.5 * z * z);
}

const ACTIVATIONS: Record<ActivationName, Activation> = {
  // tanh: f′ = 1 − a², f″ = −2a(1 − a²)
  tanh: elementwise('tanh', Math.tanh, (_z, a) => 1 - a * a, (_z, a) => -2 * a * (1 - a * a)),
  // sigmoid: f′ = a(1 − a), f″ = a(1 − a)(1 − 2a)
  sigmoid: elementwise('sigmoid', sigmoid, (_z, a) => a * (1 - a), (_z, a) => a * (1 - a) * (1 - 2 * a)),
  // relu: f′ = [z > 0], f″ = 0 (almost everywhere, as autograd takes it)
  relu: elementwise('relu', (z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0), () => 0),
  leaky_relu: elementwise('leaky_relu', (z) => (z > 0 ? z : LEAKY_SLOPE * z), (z) => (z > 0 ? 1 : LEAKY_SLOPE), () => 0),
  gelu: elementwise(
    'gelu',
    gelu,
    (z) => 0.5 * (1 + erf(z * INV_SQRT2)) + z * normalDensity(z),
    (z) => normalDensity(z) * (2 - z * z),
  ),
  // softplus: f′ = σ(z), f″ = σ(z)(1 − σ(z)); linear above the threshold
  softplus: elementwise(
    'softplus',
    softplus,
    (z) => (z > SOFTPLUS_THRESHOLD ? 1 : sigmoid(z)),
    (z) => {
      if (z > SOFTPLUS_THRESHOLD) return 0;
      const s = sigmoid(z);
      return s * (1 - s);
    },
  ),
  linear: elementwise('linear', (z) => z, () => 1, () => 0),
};

/** The activation of a name. */
export function activation(name: ActivationName): Activation {
  return ACTIVATIONS[name];
}
