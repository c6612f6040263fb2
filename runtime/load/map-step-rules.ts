// A map step must fit both ends: its `to:` names a segment of the sink and the one its table codes
// are for; its `from:` is a field the source reads (and, as far as the source can tell, one it knows).
import type { CodeFormat } from '../connectors/definition.ts';
import { closestMatch } from '../util/did-you-mean.ts';
import type { Diagnostic } from './diagnostic.ts';
import type { YamlFile } from './yaml-file.ts';

export interface SourceFields {
  /** The fields the source's config says it reads (its `fields` list), when it lists them. */
  read?: readonly string[];
  /** Every field the source knows for this config (its definition's knownFields), when it can say. */
  known?: readonly string[];
}

export interface MapStepInput {
  pointer: string;
  from: string;
  to: string;
  /** The table's target segment and where it is written. */
  table: { segment: string; file: string; line: number };
}

const lastPart = (path: string): string => path.split('.').pop() ?? path;
const headPart = (path: string): string => path.split('.')[0] ?? path;

export function checkMapStep(step: MapStepInput, yaml: YamlFile, formats: Record<string, CodeFormat> | undefined, fields: SourceFields): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (key: string): Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'> => ({ file: yaml.file, ...yaml.locate(`${step.pointer}/${key}`), path: `${step.pointer}/${key}` });
  const segment = lastPart(step.to);
  if (formats && !(segment in formats)) {
    const names = Object.keys(formats);
    const suggestion = closestMatch(segment, names);
    diagnostics.push({ code: 'MLC_MAP_TARGET_UNKNOWN', phase: 'mappings', ...at('to'), message: `'${step.to}' names no segment of the sink: '${segment}' is not one${suggestion ? ` (did you mean '${step.to.slice(0, -segment.length)}${suggestion}'?)` : ''}`, hint: `segments: ${names.join(', ')}` });
  } else if (segment !== step.table.segment) {
    diagnostics.push({
      code: 'MLC_MAP_TARGET_MISMATCH',
      phase: 'mappings',
      ...at('to'),
      message: `the table's codes are for segment '${step.table.segment}' (${step.table.file}:${step.table.line}) but this step writes them to '${step.to}'`,
      hint: `write to '${step.to.slice(0, -segment.length)}${step.table.segment}', or use the table for '${segment}'`,
    });
  }
  const field = headPart(step.from);
  if (fields.read && !fields.read.includes(field)) {
    const suggestion = closestMatch(field, fields.read);
    diagnostics.push({ code: 'MLC_SOURCE_FIELD_NOT_READ', phase: 'mappings', ...at('from'), message: `the source does not read '${field}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: it is not in the source's fields`, hint: `fields read: ${fields.read.join(', ')}; add it there if it is meant` });
  } else if (fields.known && !fields.read && !fields.known.includes(field)) {
    diagnostics.push(unknownField(field, fields.known, { ...at('from') }));
  }
  return diagnostics;
}

/** The source's `fields` entries it does not know: a warning, since customers add fields of their own. */
export function checkSourceFields(fields: SourceFields, yaml: YamlFile, fieldsPointer: string): Diagnostic[] {
  if (!fields.read || !fields.known) return [];
  const known = fields.known;
  return fields.read.flatMap((name, index) => {
    if (known.includes(name)) return [];
    const pointer = `${fieldsPointer}/${index}`;
    return [unknownField(name, known, { file: yaml.file, ...yaml.locate(pointer), path: pointer })];
  });
}

function unknownField(name: string, known: readonly string[], at: Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'>): Diagnostic {
  const suggestion = closestMatch(name, known);
  return {
    code: 'MLC_SOURCE_FIELD_UNKNOWN',
    phase: 'mappings',
    severity: 'warning',
    ...at,
    message: `the source does not know a field '${name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
    hint: 'a custom field of this customer is fine; otherwise check the spelling',
  };
}
