/** The settings a run applies as defaults: defined with the rest of a config's preparation (config/prepare.ts). No `vscode` here. */
export { withSettingsDefaults, type RunDefaults } from '../../../config/prepare';
