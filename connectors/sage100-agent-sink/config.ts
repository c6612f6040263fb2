// The config schema is connectors/sage100-agent-sink/config.schema.json; its type is generated from it.
import { readSchemaFile, type CodeFormat } from '../../runtime/index.ts';
import type { Sage100AgentSinkConfig } from './config.generated.ts';
export type { Sage100AgentSinkConfig } from './config.generated.ts';

export const sage100AgentSinkConfigSchema = readSchemaFile(new URL('./config.schema.json', import.meta.url));

export function segmentFormats(config: Readonly<Sage100AgentSinkConfig>): Record<string, CodeFormat> {
  const formats: Record<string, CodeFormat> = {};
  for (const segment of config.accountFormat.segments) formats[segment.name] = { length: segment.length, charset: segment.type };
  return formats;
}
