import type { MathNode } from 'mathjs';

type MathJs = typeof import('./mathjs-chunk');

/**
 * mathjs's parse and derivative (./mathjs-chunk: an instance of only those factories), loaded on
 * the first expression: evaluating mathjs takes about half a second, which the extension's
 * activation, the CLI and every worker would otherwise pay at startup. The bundles take the chunk
 * from dist/mathjs.js (scripts/build.mjs).
 */
let mathjs: MathJs | undefined;
function math(): MathJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  mathjs ??= require('./mathjs-chunk') as MathJs;
  return mathjs;
}

/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 500;
/**
 * Deepest bracket nesting accepted: the second derivative of n nested functions has O(n³)
 * nodes (100 nested sin: 700,000), and mathjs recurses once per level.
 */
export const MAX_EXPRESSION_DEPTH = 20;
/** Deepest parsed tree accepted (operators inside one another, e.g. x^x^x…): mathjs recurses once per level. */
export const MAX_TREE_DEPTH = 100;
/** Most nodes in the first derivatives (∂f/∂x and ∂f/∂y together), and in the three second derivatives. */
export const MAX_DERIVATIVE_NODES = [2_000, 40_000] as const;

/** f, ∇f and ∇²f of an expression in x and y, compiled to plain JavaScript once. */
export interface CompiledExpression {
  value: (x: number, y: number) => number;
  /** Writes (∂f/∂x, ∂f/∂y) into out. */
  gradient: (x: number, y: number, out: Float64Array) => void;
  /** Writes the row-major 2×2 Hessian into out. */
  hessian: (x: number, y: number, out: Float64Array) => void;
}

/** A user's mistake in an expression, with the fix. */
export class ExpressionError extends Error {}

const FUNCTIONS: Record<string, (args: string[]) => string> = {
  sin: (a) => `Math.sin(${a[0]})`,
  cos: (a) => `Math.cos(${a[0]})`,
  tan: (a) => `Math.tan(${a[0]})`,
  sec: (a) => `(1 / Math.cos(${a[0]}))`,
  csc: (a) => `(1 / Math.sin(${a[0]}))`,
  cot: (a) => `(1 / Math.tan(${a[0]}))`,
  asin: (a) => `Math.asin(${a[0]})`,
  acos: (a) => `Math.acos(${a[0]})`,
  atan: (a) => `Math.atan(${a[0]})`,
  sinh: (a) => `Math.sinh(${a[0]})`,
  cosh: (a) => `Math.cosh(${a[0]})`,
  tanh: (a) => `Math.tanh(${a[0]})`,
  sech: (a) => `(1 / Math.cosh(${a[0]}))`,
  csch: (a) => `(1 / Math.sinh(${a[0]}))`,
  coth: (a) => `(1 / Math.tanh(${a[0]}))`,
  exp: (a) => `Math.exp(${a[0]})`,
  log: (a) => (a.length === 2 ? `(Math.log(${a[0]}) / Math.log(${a[1]}))` : `Math.log(${a[0]})`),
  log10: (a) => `Math.log10(${a[0]})`,
  log2: (a) => `Math.log2(${a[0]})`,
  sqrt: (a) => `Math.sqrt(${a[0]})`,
  cbrt: (a) => `Math.cbrt(${a[0]})`,
  abs: (a) => `Math.abs(${a[0]})`,
  sign: (a) => `Math.sign(${a[0]})`,
  square: (a) => `((${a[0]}) * (${a[0]}))`,
  cube: (a) => `Math.pow(${a[0]}, 3)`,
};

const OPERATORS: Record<string, (args: string[]) => string> = {
  add: (a) => `(${a[0]} + ${a[1]})`,
  subtract: (a) => `(${a[0]} - ${a[1]})`,
  multiply: (a) => `(${a[0]} * ${a[1]})`,
  divide: (a) => `(${a[0]} / ${a[1]})`,
  pow: (a) => `Math.pow(${a[0]}, ${a[1]})`,
  unaryMinus: (a) => `(-${a[0]})`,
  unaryPlus: (a) => `(+${a[0]})`,
};

const CONSTANTS: Record<string, string> = { pi: 'Math.PI', e: 'Math.E', x: 'x', y: 'y' };

/**
 * Translates a mathjs tree to JavaScript through a whitelist of node types, functions and
 * symbols, so that nothing but arithmetic on x and y can ever reach the generated code.
 */
function toJavaScript(node: MathNode): string {
  const anyNode = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode': {
      const value = anyNode.value;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ExpressionError(`unsupported constant ${String(value)}: use plain numbers`);
      return `(${value})`;
    }
    case 'SymbolNode': {
      const name = anyNode.name as string;
      if (!(name in CONSTANTS)) throw new ExpressionError(`unknown variable ${quoteExpression(name)}: an expression may use only x, y, pi and e`);
      return CONSTANTS[name];
    }
    case 'ParenthesisNode':
      return toJavaScript(anyNode.content as MathNode);
    case 'OperatorNode': {
      const translate = OPERATORS[anyNode.fn as string];
      if (!translate) throw new ExpressionError(`unsupported operator "${String(anyNode.op)}": use + - * / ^`);
      return translate((anyNode.args as MathNode[]).map(toJavaScript));
    }
    case 'FunctionNode': {
      const name = (anyNode.fn as { name?: string }).name ?? '';
      const translate = FUNCTIONS[name];
      if (!translate) throw new ExpressionError(`unsupported function "${name}": use one of ${Object.keys(FUNCTIONS).join(', ')}`);
      return translate((anyNode.args as MathNode[]).map(toJavaScript));
    }
    default:
      throw new ExpressionError(`unsupported syntax ${quoteExpression(node.toString())}: write a formula in x and y such as "x^2 - y^2"`);
  }
}

/** An expression for a message: one line, at most 60 characters (… when cut). */
export function quoteExpression(expression: string): string {
  const line = expression.replace(/\s+/g, ' ').trim();
  return `"${line.length > 60 ? `${line.slice(0, 60)}…` : line}"`;
}

/** Deepest bracket nesting in the text: (, [ and { opened inside one another. */
function bracketDepth(expression: string): number {
  let depth = 0;
  let deepest = 0;
  for (const ch of expression) {
    if (ch === '(' || ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth);
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return deepest;
}

/** Depth of a parsed tree (a leaf is 1), without recursion. */
function treeDepth(root: MathNode): number {
  let deepest = 0;
  const stack: [MathNode, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    node.forEach((child) => stack.push([child, depth + 1]));
  }
  return deepest;
}

/** Refuses an expression too long or too deeply nested to differentiate quickly, before mathjs sees it. */
function checkSize(expression: string): void {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`the expression ${quoteExpression(expression)} is ${expression.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}: write a shorter formula`);
  }
  const depth = bracketDepth(expression);
  if (depth > MAX_EXPRESSION_DEPTH) {
    throw new ExpressionError(`the expression ${quoteExpression(expression)} nests brackets ${depth} deep; the limit is ${MAX_EXPRESSION_DEPTH}: write a flatter formula`);
  }
}

/** Refuses derivatives too large to compile in reasonable time. */
function checkDerivativeSize(expression: string, order: string, trees: MathNode[], limit: number): void {
  let count = 0;
  for (const tree of trees) tree.traverse(() => count++);
  if (count > limit) {
    throw new ExpressionError(`the ${order} derivatives of ${quoteExpression(expression)} have ${count} terms; the limit is ${limit}: write a shorter or flatter formula`);
  }
}

/** Parses an expression in x, y; differentiates it symbolically (mathjs) twice; compiles all six formulas. */
export function compileExpression(expression: string): CompiledExpression {
  checkSize(expression);
  const { parse, derivative } = math();
  let root: MathNode;
  try {
    root = parse(expression);
  } catch (error) {
    throw new ExpressionError(`cannot parse ${quoteExpression(expression)}: ${oneLine((error as Error).message)}`);
  }
  const depth = treeDepth(root);
  if (depth > MAX_TREE_DEPTH) {
    throw new ExpressionError(`the expression ${quoteExpression(expression)} nests ${depth} operations inside one another; the limit is ${MAX_TREE_DEPTH}: write a flatter formula`);
  }
  const valueCode = toJavaScript(root);
  let nodes: MathNode[];
  try {
    const dx = derivative(root, 'x', { simplify: false });
    const dy = derivative(root, 'y', { simplify: false });
    checkDerivativeSize(expression, 'first', [dx, dy], MAX_DERIVATIVE_NODES[0]);
    const second = [derivative(dx, 'x', { simplify: false }), derivative(dx, 'y', { simplify: false }), derivative(dy, 'y', { simplify: false })];
    checkDerivativeSize(expression, 'second', second, MAX_DERIVATIVE_NODES[1]);
    nodes = [dx, dy, ...second];
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    throw new ExpressionError(`cannot differentiate ${quoteExpression(expression)}: ${oneLine((error as Error).message)}`);
  }
  const codes = [valueCode, ...nodes.map(toJavaScript)];
  // The code is built only from whitelisted tokens above, never from the user's text directly.
  const build = (body: string) => new Function('x', 'y', 'out', body) as (x: number, y: number, out?: Float64Array) => number;
  const value = build(`return ${codes[0]};`);
  const gradient = build(`out[0] = ${codes[1]}; out[1] = ${codes[2]}; return 0;`);
  const hessian = build(`const xy = ${codes[4]}; out[0] = ${codes[3]}; out[1] = xy; out[2] = xy; out[3] = ${codes[5]}; return 0;`);
  return {
    value: (x, y) => value(x, y),
    gradient: (x, y, out) => void gradient(x, y, out),
    hessian: (x, y, out) => void hessian(x, y, out),
  };
}

/** The first line of a message, at most 120 characters. */
function oneLine(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
