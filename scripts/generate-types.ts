// Generates TypeScript types from the JSON Schemas in schema/, which stay the single source of truth.
// `npm run generate` rewrites the files; test/generated-types.test.ts fails when they are stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

export const GENERATED = [
  { schema: 'schema/pipeline.schema.json', output: 'runtime/load/pipeline.types.generated.ts', name: 'Pipeline' },
  { schema: 'schema/mapping.schema.json', output: 'runtime/load/mapping.types.generated.ts', name: 'MappingTableFile' },
  // Each connector's config schema sits beside it; its type is generated the same way.
  { schema: 'connectors/bamboohr-source/config.schema.json', output: 'connectors/bamboohr-source/config.generated.ts', name: 'BambooHrSourceConfig' },
  { schema: 'connectors/sage100-agent-sink/config.schema.json', output: 'connectors/sage100-agent-sink/config.generated.ts', name: 'Sage100AgentSinkConfig' },
] as const;

const BANNER = '// Generated from the JSON Schema by scripts/generate-types.ts (npm run generate). Do not edit.\n';

export async function generate(entry: (typeof GENERATED)[number]): Promise<string> {
  const schema = JSON.parse(await readFile(root + entry.schema, 'utf8')) as Record<string, unknown>;
  const body = await compile({ ...schema, title: entry.name }, entry.name, {
    bannerComment: '',
    additionalProperties: false,
    format: true,
    // Tuples for every length between minItems and maxItems help nobody; the schema still checks the counts.
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 140 },
  });
  return BANNER + body;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const entry of GENERATED) {
    await writeFile(root + entry.output, await generate(entry));
    process.stdout.write(`wrote ${entry.output}\n`);
  }
}
