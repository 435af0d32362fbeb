// esbuild plugins the webview bundle needs to use echarts-gl's ES modules under a strict CSP.
import { readFile } from 'node:fs/promises';

// echarts-gl imports ECharts and zrender internals without the ".js" extension
// ("echarts/lib/util/layout"), which their package "exports" maps do not resolve: add it, so
// the bundle takes only the 3-D charts it uses next to echarts/core (not the 2 MB UMD build).
const resolveExtensionless = {
  name: 'echarts-gl-resolve',
  setup(build) {
    build.onResolve({ filter: /^(echarts|zrender)\/lib\// }, (args) => {
      if (args.path.endsWith('.js') || args.pluginData === 'echarts-gl-resolve') return undefined;
      return build.resolve(`${args.path}.js`, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'echarts-gl-resolve' });
    });
  },
};

// claygl's compositor (echarts-gl's post effects, created with every 3-D view) compiles its
// buffer sizes, "expr(width * dpr / 4)", with `new Function`: blocked without 'unsafe-eval'.
// The expressions are products and quotients of width, height, dpr and numbers (or a pair of
// them), so a tiny evaluator replaces the eval.
const SIZE_EXPRESSION = `
function compileSizeExpression(source) {
  var parts = source.trim().replace(/^\\[|\\]$/g, '').split(',');
  var terms = parts.map(function (part) {
    var tokens = part.trim().split(/\\s*([*\\/])\\s*/);
    for (var i = 0; i < tokens.length; i += 2) {
      if (!/^(width|height|dpr|\\d+(\\.\\d+)?)$/.test(tokens[i])) throw new Error('Invalid expression.');
    }
    return tokens;
  });
  function evaluate(tokens, scope) {
    var value = function (token) { return token in scope ? scope[token] : Number(token); };
    var result = value(tokens[0]);
    for (var i = 1; i < tokens.length; i += 2) result = tokens[i] === '*' ? result * value(tokens[i + 1]) : result / value(tokens[i + 1]);
    return result;
  }
  var isArray = /^\\s*\\[/.test(source);
  return function (width, height, dpr) {
    var scope = { width: width, height: height, dpr: dpr };
    var values = terms.map(function (tokens) { return evaluate(tokens, scope); });
    return isArray ? values : values[0];
  };
}
`;

const noEvalCompositor = {
  name: 'claygl-no-eval',
  setup(build) {
    build.onLoad({ filter: /claygl[\\/]src[\\/]createCompositor\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const patched = source.replace("new Function('width', 'height', 'dpr', 'return ' + exprRes[1])", 'compileSizeExpression(exprRes[1])');
      if (patched === source) throw new Error('claygl-no-eval: createCompositor.js changed; update webview/esbuild-plugins.mjs');
      return { contents: patched + SIZE_EXPRESSION, loader: 'js' };
    });
  },
};

/** The plugins of the webview bundle (scripts/build.mjs and the browser tests use them). */
export const webviewPlugins = [resolveExtensionless, noEvalCompositor];
