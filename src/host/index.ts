/**
 * The VS Code glue, by concern; src/extension.ts registers what it provides. editor/ is the config
 * file in the editor (CodeLens, Problems, loading and preparing a config, templates, the Python
 * interpreter); runs/ starts, saves, lists and exports runs (run-controller.ts is the one place
 * runs go through); webview/ is the results panel and the side view, with their typed channel
 * (webview/pure/protocol.ts). A pure/ folder in each holds its logic without the editor, unit-tested
 * under plain Node; commands.ts registers the commands, log.ts is the output channel.
 */
export {};
