// The editor schema (pipeline + connector configs) is generated, current, and catches in an editor
// what `validate` catches in the config phase.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDITOR_SCHEMA, editorSchema } from '../../scripts/generate-editor-schema.ts';
import { createSchemaCompiler } from '../../runtime/lib/json-schema.ts';
import { parseTrustedYaml } from '../../runtime/lib/yaml.ts';
import { repoRoot } from '../support/cli.ts';
import { EXAMPLE_PIPELINE } from '../support/fixture.ts';

const text = readFileSync(join(repoRoot, EDITOR_SCHEMA), 'utf8');

describe('editor schema', () => {
  it('is up to date (run npm run generate)', () => {
    expect(text).toBe(editorSchema());
  });

  it('is what the example pipeline names in its modeline', () => {
    expect(readFileSync(join(repoRoot, EXAMPLE_PIPELINE), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/pipeline.editor.schema.json');
  });

  const validate = createSchemaCompiler({ allErrors: true }).compile(JSON.parse(text) as Record<string, unknown>);
  const example = (): Record<string, Record<string, Record<string, unknown>>> => parseTrustedYaml(readFileSync(join(repoRoot, EXAMPLE_PIPELINE), 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;

  it('accepts the example pipeline', () => {
    expect(validate(example()), JSON.stringify(validate.errors)).toBe(true);
  });

  it("checks a connector's config by its type", () => {
    const broken = example();
    (broken.sink as Record<string, Record<string, unknown>>).config!.company = 'too-long';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === '/sink/config/company')).toBe(true);
  });

  it('offers only sink types for the sink', () => {
    const swapped = example();
    (swapped.sink as Record<string, unknown>).type = 'bamboohr-source';
    expect(validate(swapped)).toBe(false);
  });
});
