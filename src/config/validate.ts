import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import schema from '../../schemas/experiment.schema.json';
import type { ConfigIssue, ExperimentConfig } from './types';
import { configAdvice, type AdviceOptions } from './advice';
import { semanticIssues } from './semantics';

/** The schema's validator, compiled on the first config checked (compiling takes ~90 ms, kept out of activation). */
let compiledSchema: ValidateFunction | undefined;
function validateSchema(value: unknown): boolean {
  compiledSchema ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return compiledSchema(value);
}

export interface ValidatedConfig {
  /** Present when there is no error (warnings allowed). */
  config?: ExperimentConfig;
  issues: ConfigIssue[];
}

/**
 * Parses JSON with comments and checks it against the schema, then the semantic rules the schema
 * cannot express; a config without errors also gets the advice of config/advice as warnings.
 */
export function validateConfigText(text: string, baseDir: string, advice: AdviceOptions = {}): ValidatedConfig {
  const parseErrors: ParseError[] = [];
  const value = parseJsonc(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (parseErrors.length > 0) {
    return {
      issues: parseErrors.map((error) => ({
        path: '',
        message: `JSON syntax error: ${describeParseError(printParseErrorCode(error.error))} (fix the file's syntax at this position)`,
        severity: 'error',
        offset: error.offset,
        length: error.length,
      })),
    };
  }
  return validateConfigValue(value, baseDir, advice);
}

/** Checks a parsed value against the schema and the semantic rules; without errors, adds the advice. */
export function validateConfigValue(value: unknown, baseDir: string, advice: AdviceOptions = {}): ValidatedConfig {
  if (!validateSchema(value)) {
    return { issues: simplifySchemaErrors(compiledSchema?.errors ?? []).map(describeSchemaError) };
  }
  const config = value as unknown as ExperimentConfig;
  const issues = semanticIssues(config, baseDir);
  if (issues.some((issue) => issue.severity === 'error')) return { issues };
  return { config, issues: [...issues, ...configAdvice(config, advice)] };
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Drops the noise ajv adds for the same field (e.g. "must match a schema in anyOf" after the real reasons). */
function simplifySchemaErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key) || error.keyword === 'if') return false;
    seen.add(key);
    return true;
  });
}

/** One schema error as a message naming the field and the fix. */
function describeSchemaError(error: ErrorObject): ConfigIssue {
  const field = error.instancePath === '' ? 'the config' : `"${error.instancePath.slice(1).replaceAll('/', '.')}"`;
  const params = error.params as Record<string, unknown>;
  let message: string;
  switch (error.keyword) {
    case 'required':
      message = `${field} is missing "${String(params.missingProperty)}": add it`;
      return { path: `${error.instancePath}/${String(params.missingProperty)}`.replace(/^\/\//, '/'), message, severity: 'error' };
    case 'additionalProperties':
      message = `${field} has an unknown field "${String(params.additionalProperty)}": remove it or check its spelling`;
      return { path: `${error.instancePath}/${String(params.additionalProperty)}`, message, severity: 'error' };
    case 'enum':
      message = `${field} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'type':
      message = `${field} must be of type ${String(params.type)}`;
      break;
    default:
      message = `${field} ${error.message ?? 'is invalid'}`;
  }
  return { path: error.instancePath, message, severity: 'error' };
}
