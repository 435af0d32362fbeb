/**
 * The examples New Experiment from Template writes: commented *.landscape.json files (the
 * editor validates them through the schema; hover any field for its documentation).
 */
export interface Template {
  id: string;
  label: string;
  detail: string;
  text: string;
}

export const TEMPLATES: Template[] = [
  {
    id: 'saddle-race',
    label: 'Saddle race',
    detail: 'gradient descent, momentum, Newton and noisy GD on x² − y² (the seed deck, slides 1–5)',
    text: `// An optimizer race on the saddle x² − y². Press "▶ Run" above, or run
// "Landscape Lens: Run Experiment". Hover a field for its documentation.
{
  "name": "Saddle race",
  "seed": 0,
  // Built-in surfaces: saddle, dauphin-saddle, monkey-saddle, rosenbrock, himmelblau, beale, ...
  "surface": { "name": "saddle" },
  // Just off the saddle's stable axis, so an escape along y shows.
  "start": [1, 0.001],
  "steps": 40,
  "optimizers": [
    // Plain gradient descent creeps away along y, the unstable direction.
    { "name": "sgd", "lr": 0.1, "label": "gradient descent" },
    // Classic momentum v = μv − lr·g is torch's SGD with momentum μ.
    { "name": "sgd", "lr": 0.1, "momentum": 0.9, "label": "momentum 0.9" },
    // Newton jumps onto the saddle and stays there: it is attracted to saddles.
    { "name": "newton", "lr": 1, "label": "Newton" },
    // Noise on the gradient kicks it off the saddle.
    { "name": "noisy-gd", "lr": 0.1, "noise": 0.1, "label": "noisy GD" }
  ]
}
`,
  },
  {
    id: 'custom-expression',
    label: 'Your own surface',
    detail: 'a formula in x and y, differentiated exactly; saddle-free Newton against Adam',
    text: `// Your own surface: any formula in x and y (sin, cos, exp, log, sqrt, abs, tanh, pi, e).
// Its gradient and Hessian are exact (symbolic), and its critical points are found and classified.
{
  "name": "Quartic saddle",
  "surface": { "expression": "-x^2 + 0.1*x^4 + y^2", "domain": [[-3, 3], [-2, 2]] },
  "start": [0.01, 1.5],
  "steps": 200,
  "optimizers": [
    { "name": "sgd", "lr": 0.05, "label": "gradient descent" },
    { "name": "adam", "lr": 0.05 },
    // |H| instead of H: escapes saddles where Newton would stop (Dauphin et al. 2014).
    { "name": "saddle-free-newton", "lr": 0.5, "damping": 0.1 }
  ],
  // The contour plot's grid: points per axis.
  "grid": { "resolution": 121 }
}
`,
  },
  {
    id: 'rosenbrock-schedules',
    label: 'Rosenbrock with schedules',
    detail: 'Adam, RMSprop and SGD with learning-rate schedules in the Rosenbrock valley',
    text: `// The Rosenbrock valley (a − x)² + b(y − x²)²: a curved, ill-conditioned valley.
// Learning-rate schedules follow torch's StepLR, ExponentialLR and CosineAnnealingLR.
{
  "name": "Rosenbrock schedules",
  "surface": { "name": "rosenbrock", "parameters": { "a": 1, "b": 100 } },
  "start": [-1.5, 2],
  "steps": 500,
  "optimizers": [
    { "name": "adam", "lr": 0.05, "schedule": { "kind": "cosine", "T_max": 500 } },
    { "name": "rmsprop", "lr": 0.01, "schedule": { "kind": "step", "step_size": 100, "gamma": 0.5 } },
    { "name": "sgd", "lr": 0.001, "momentum": 0.9, "schedule": { "kind": "exponential", "gamma": 0.995 } }
  ]
}
`,
  },
];
