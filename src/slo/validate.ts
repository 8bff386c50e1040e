// Schema checks for SLO definitions and the OpenSLO specs made from them.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: true });
const defSchema = require('../../schemas/slo-definition.schema.json');
const openSloSchema = require('../../schemas/openslo-v1-slo.schema.json');
const validateDefinition: ValidateFunction = ajv.compile(defSchema);
const validateOpenSlo: ValidateFunction = ajv.compile(openSloSchema);

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${at} ${e.message ?? 'is invalid'}${extra}`;
  });
}

export function checkSloDefinition(def: unknown): string[] {
  const name = (def as { name?: unknown })?.name;
  const at = `slo ${typeof name === 'string' ? name : '(unnamed)'}`;
  return validateDefinition(def) ? [] : describe(validateDefinition.errors).map((m) => `${at}: ${m}`);
}

export function checkOpenSlo(spec: unknown, where: string): string[] {
  return validateOpenSlo(spec) ? [] : describe(validateOpenSlo.errors).map((m) => `${where}: OpenSLO schema: ${m}`);
}
