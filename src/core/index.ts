/**
 * The engine: pure TypeScript on Float64Array, no `vscode`, no DOM, nothing from outside core but
 * src/shared. Everything composes through one interface, Objective (objective.ts): surfaces/
 * (2-D test functions and the optimizer race), nn/ (the MLP, its R-operator Hessian-vector
 * products, training), optimizers/ (torch.optim semantics), hessian/ (spectra, trace, density,
 * classification), landscape/ (directions and grids), detect/ (the saddle detector), data/,
 * linalg/. experiment/ is the pipeline from a validated config to its results (runExperiment).
 */
export { ExperimentFailed, runExperiment, type ExperimentConfig, type ExperimentContext } from './experiment';
export type { Objective } from './objective';
