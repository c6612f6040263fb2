// Generates schema/pipeline.editor.schema.json: the pipeline schema with every registered connector's
// config schema composed in (by `type`), self-contained so editors need no cross-file references.
// Pipeline files point their yaml-language-server modeline at it to get completion inside `config`.
// `npm run generate` rewrites it; test/validate/editor-schema.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectorDefinitions } from '../connectors/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const EDITOR_SCHEMA = 'schema/pipeline.editor.schema.json';

type Schema = Record<string, unknown>;

function connectorBranches(kind: 'source' | 'sink'): Schema[] {
  return connectorDefinitions
    .filter((d) => d.kind === kind)
    .map((d) => ({
      if: { type: 'object', properties: { type: { const: d.type } }, required: ['type'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
      then: { type: 'object', properties: { config: { $ref: `#/$defs/connectors/${d.type}` } } },
    }));
}

export function editorSchema(): string {
  const pipeline = JSON.parse(readFileSync(`${root}schema/pipeline.schema.json`, 'utf8')) as Schema & { $defs: Schema; properties: Schema };
  const connectors: Schema = {};
  for (const d of connectorDefinitions) {
    const { $schema: _ignored, ...config } = d.configSchema;
    connectors[d.type] = { ...config, description: `${d.summary} (${d.kind})` };
  }
  const types = (kind: 'source' | 'sink'): string[] => connectorDefinitions.filter((d) => d.kind === kind).map((d) => d.type);
  const role = (kind: 'source' | 'sink'): Schema => ({
    allOf: [
      { $ref: '#/$defs/connectorRef' },
      { type: 'object', properties: { type: { enum: types(kind) } } },
      ...connectorBranches(kind),
    ],
  });
  const composed = {
    ...pipeline,
    $id: 'https://ml-connector.dev/schema/pipeline.editor.schema.json',
    title: 'ml-connector pipeline (for editors: connector configs included)',
    description: `${String(pipeline.description)} Generated from pipeline.schema.json and the registered connectors' config schemas by npm run generate; do not edit.`,
    properties: { ...pipeline.properties, source: role('source'), sink: role('sink') },
    $defs: { ...pipeline.$defs, connectors },
  };
  return `${JSON.stringify(composed, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(root + EDITOR_SCHEMA, editorSchema());
  process.stdout.write(`wrote ${EDITOR_SCHEMA}\n`);
}
