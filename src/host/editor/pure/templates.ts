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

/** The id of the template written from the user's own PyTorch files (quick picks fill it in). */
export const PYTORCH_TEMPLATE_ID = 'pytorch-model';

/** The user's choices for the PyTorch template: "file.py:function" references and a checkpoint, relative to the config's folder. */
export interface PytorchChoices {
  model: string;
  data?: string;
  weights?: string;
  /**
   * How the model takes a batch: one tensor (`model(x)`, the default), several (`model(*inputs)`
   * from `((x1, x2, …), targets)`), or a dict batch (`model(**batch)`, the loss read from the
   * model's output, as HuggingFace models return it when the batch holds `labels`).
   */
  inputs?: PytorchInputs;
}

export type PytorchInputs = 'tensor' | 'several' | 'dict';

/** A config for the user's PyTorch model: the Hessian's extremes and trace, and a filter-normalized random plane, at the given weights. */
export function pytorchTemplateText(choices: PytorchChoices): string {
  const weights = choices.weights ? `\n    // A state_dict saved with torch.save (.pt, .pth) or .safetensors; "strict": false allows missing keys.\n    "weights": ${JSON.stringify(choices.weights)},` : '';
  const inputs = choices.inputs ?? 'tensor';
  const loss =
    inputs === 'dict'
      ? `    // Each batch is a dict (e.g. {"input_ids", "attention_mask", "labels"}): the model is called as
    // model(**batch) and the loss is its output's "loss". For any other loss, name a function of
    // (model, batch) returning the batch's mean loss: "batchLoss": "losses.py:batch_loss".`
      : `    // A loss name the engine knows, or "file.py:function" of (output, target) returning the mean loss;
    // a dict output, or one with .logits, is read through its logits.
    "loss": "softmax-cross-entropy"`;
  const data =
    inputs === 'dict'
      ? '// Returns a torch.utils.data.Dataset of dicts (or a DataLoader): items are collated into batches.'
      : inputs === 'several'
        ? '// Returns ((input_1, input_2, …), targets) tensors, or a Dataset of such items: the model is called as model(input_1, input_2, …).'
        : '// Returns (inputs, targets) tensors or a torch.utils.data.Dataset.';
  return `// Your own PyTorch model, run by your Python with torch (the setting landscapeLens.python, the
// Python extension's interpreter, or python3 on the PATH). BatchNorm and Dropout run in eval
// mode for every analysis ("mode": "train" to change it). Hover a field for its documentation.
{
  "name": "My PyTorch model",
  "seed": 0,
  "model": {
    // "file.py:function" (or a class, or any module-level callable) returning an nn.Module;
    // "kwargs": { "width": 64 } passes keyword arguments to it.
    "pytorch": ${JSON.stringify(choices.model)},${weights}
${loss}
  },
  "data": {
    "kind": "pytorch",
    ${data}
    "factory": ${JSON.stringify(choices.data ?? 'data.py:make_data')},
    // The first 1000 rows (before the split); none held out for testing.
    "samples": 1000,
    "testFraction": 0,
    // Rows per evaluation batch: bounds memory, not the loss (always the mean over the set, batches weighted by their rows).
    "batchSize": 500
  },
  // "auto": CUDA when available, else the CPU.
  "runtime": { "device": "auto" },
  // Add "training": { "epochs": 5, "batchSize": 64, "optimizer": { "name": "sgd", "lr": 0.05 } } to train first.
  "analyses": {
    // The largest and most negative eigenvalues (Lanczos) and Hutchinson's trace.
    "hessian": { "top": 5, "bottom": 2, "trace": true },
    // Filter-normalized random directions, biases and BatchNorm parameters ignored (Li et al. 2018).
    "landscape": { "directions": "random", "resolution": 31 }
  }
}
`;
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
  {
    id: PYTORCH_TEMPLATE_ID,
    label: 'Your PyTorch model',
    detail: 'your nn.Module, data and checkpoint from .py files in the folder: Hessian spectrum and loss landscape',
    text: pytorchTemplateText({ model: 'model.py:make_model' }),
  },
];
