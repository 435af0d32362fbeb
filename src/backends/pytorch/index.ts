/** The PyTorch backend's client: the runner, interpreter discovery and where the Python package is. */
export { TorchRunner, analysisMethods, type TorchRunnerOptions } from './torch-runner';
export { CLI_FIX, EXTENSION_FIX, InterpreterNotFoundError, findInterpreter, interpreterCandidates, pathCandidates, probeInterpreter, type FoundInterpreter, type InterpreterCandidate } from './interpreter';
export { backendPackageDir, missingPackageReason } from './package-dir';
export type { BackendInfo } from './protocol';
