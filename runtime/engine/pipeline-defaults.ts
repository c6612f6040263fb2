// Settings the engine reads, with the schema's defaults filled in. The schema is the one place a
// default is written; this reads it there (a loader that already applied defaults loses nothing,
// since a value present is never replaced).
import type { Pipeline, Policies, Step } from '../load/pipeline.types.generated.ts';
import { pipelineSchema } from '../load/schemas.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const defs = (pipelineSchema as { $defs: Record<string, Obj> }).$defs;

function resolve(node: Obj): Obj {
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) return resolve(defs[ref.slice('#/$defs/'.length)] ?? {});
  return node;
}

/** A copy of `value` with every default of `schemaNode` (and of its object properties, all-ofs) filled in. */
function fill(schemaNode: Obj, value: unknown): unknown {
  const node = resolve(schemaNode);
  if (!isObject(value)) return value;
  const out: Obj = { ...value };
  for (const part of Array.isArray(node.allOf) ? (node.allOf as Obj[]) : []) Object.assign(out, fill(part, out) as Obj);
  const properties = isObject(node.properties) ? node.properties : {};
  for (const [name, raw] of Object.entries(properties)) {
    const property = resolve(raw as Obj);
    if (out[name] === undefined && 'default' in property) out[name] = structuredClone(property.default);
    else if (out[name] === undefined && property.type === 'object' && isObject(property.properties)) out[name] = {};
    // A default of {} (or an object written in part) gets its own properties' defaults too.
    if (isObject(out[name])) out[name] = fill(property, out[name]);
  }
  return out;
}

export type ResolvedPolicies = {
  /** deadlineMs has no default: without it only maxAttempts ends the retries. */
  retry: Required<Omit<NonNullable<Policies['retry']>, 'deadlineMs'>> & Pick<NonNullable<Policies['retry']>, 'deadlineMs'>;
  quarantine: Required<NonNullable<Policies['quarantine']>>;
  audit: Required<NonNullable<Policies['audit']>>;
  drift: NonNullable<Policies['drift']>;
  driftSchedule: string;
};

export function resolvedPolicies(pipeline: Pipeline): ResolvedPolicies {
  return fill(defs.policies ?? {}, pipeline.policies ?? {}) as ResolvedPolicies;
}

export function resolvedStep<S extends Step>(step: S): S {
  return fill(defs[`${step.type}Step`] ?? {}, step) as S;
}
