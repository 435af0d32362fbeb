/**
 * The part of mathjs the expression compiler uses, bundled on its own as dist/mathjs.js: a mathjs
 * instance built from the factories of `parse` and `derivative` only (and what they depend on),
 * which the extension, the CLI and the workers load on the first expression, not at startup.
 */
import { create, derivativeDependencies, parseDependencies } from 'mathjs';

const { parse, derivative } = create({ parseDependencies, derivativeDependencies });
export { derivative, parse };
