/** The configs test/fixtures/results-*.json were made from (make-fixtures.ts runs them; the comparison tests read them as the runs' configs). */
export const configs: Record<string, unknown> = {
  'saddle-race': {
    name: 'saddle race',
    seed: 7,
    surface: { name: 'saddle' },
    start: [1, 0.001],
    steps: 60,
    grid: { resolution: 61 },
    optimizers: [
      { name: 'sgd', lr: 0.1 },
      { name: 'sgd', label: 'momentum', lr: 0.1, momentum: 0.9 },
      { name: 'adam', lr: 0.1 },
      { name: 'newton' },
      { name: 'saddle-free-newton', lr: 0.5 },
      { name: 'noisy-gd', lr: 0.1, noise: 0.05 },
    ],
  },
  himmelblau: {
    name: 'himmelblau',
    seed: 1,
    surface: { name: 'himmelblau' },
    start: [-0.5, 0.5],
    steps: 120,
    grid: { resolution: 81 },
    optimizers: [
      { name: 'sgd', lr: 0.01 },
      { name: 'adam', lr: 0.1 },
      { name: 'rmsprop', lr: 0.05 },
    ],
  },
  rosenbrock: {
    name: 'rosenbrock',
    seed: 3,
    surface: { name: 'rosenbrock' },
    start: [-1.5, 2],
    steps: 300,
    grid: { resolution: 81 },
    optimizers: [
      { name: 'sgd', lr: 0.002, momentum: 0.9 },
      { name: 'adam', lr: 0.05 },
      { name: 'sgd', label: 'sgd lr 0.01 (diverges)', lr: 0.01 },
    ],
  },
  // Slide 13: a tanh net on two spirals with the saddle detector (boost, plateaus) and the Hessian watched during training.
  'training-spirals': {
    name: 'spirals with saddle monitoring',
    seed: 4,
    model: { layers: [2, 12, 12, 2], activation: ['tanh', 'tanh', 'linear'], loss: 'softmax-cross-entropy', init: 'seed' },
    data: { kind: 'synthetic', name: 'spirals', samples: 300, testFraction: 0.2 },
    training: { epochs: 80, batchSize: 32, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, detector: { threshold: 0.05, window: 3, plateauThreshold: 0.002 } },
    analyses: { hessian: { full: true, trace: true, density: true, every: 10, layers: true } },
  },
  // The same net and data as training-spirals, trained with Adam: a second run to compare with it.
  'training-spirals-adam': {
    name: 'spirals with adam',
    seed: 4,
    model: { layers: [2, 12, 12, 2], activation: ['tanh', 'tanh', 'linear'], loss: 'softmax-cross-entropy', init: 'seed' },
    data: { kind: 'synthetic', name: 'spirals', samples: 300, testFraction: 0.2 },
    training: { epochs: 80, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, detector: { threshold: 0.05, window: 3, plateauThreshold: 0.002 } },
    analyses: { hessian: { full: true, trace: true, density: true, every: 10, layers: true } },
  },
  // Slides 6–7: the seed's bias-free 2-4-1 tanh net on y = Σx², full batch (regression: no accuracy).
  'training-sum-of-squares': {
    name: 'train-sum-of-squares',
    seed: 0,
    model: { layers: [2, 4, 1], activation: ['tanh', 'tanh'], bias: false, loss: 'mse', init: 'seed' },
    data: { kind: 'synthetic', name: 'sum-of-squares', samples: 100, testFraction: 0 },
    training: { epochs: 300, batchSize: 0, optimizer: { name: 'sgd', lr: 0.01 } },
  },
  // Slide 9 done as Li et al. 2018: the loss on the PCA plane of the training path, with the path projected on it.
  landscape: {
    name: 'spirals landscape (PCA plane)',
    seed: 4,
    model: { layers: [2, 12, 12, 2], activation: ['tanh', 'tanh', 'linear'], loss: 'softmax-cross-entropy', init: 'seed' },
    data: { kind: 'synthetic', name: 'spirals', samples: 300, testFraction: 0.2 },
    training: { epochs: 40, batchSize: 32, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, detector: false },
    analyses: { landscape: { directions: 'pca', resolution: 33 } },
  },
  // Goodfellow et al. 2015: the loss on the line from the initial to the final weights.
  'landscape-interpolation': {
    name: 'spirals interpolation',
    seed: 4,
    model: { layers: [2, 12, 12, 2], activation: ['tanh', 'tanh', 'linear'], loss: 'softmax-cross-entropy', init: 'seed' },
    data: { kind: 'synthetic', name: 'spirals', samples: 300, testFraction: 0.2 },
    training: { epochs: 40, batchSize: 32, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, detector: false },
    analyses: { landscape: { directions: 'interpolation', resolution: 41 } },
  },
};
