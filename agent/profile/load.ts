// Reads and checks sage-profile.json. A bad file stops the agent with one clear message naming the
// key (unknown key, wrong type, a pattern that does not compile): a profile that is silently half
// applied would leave a guess where the installer thought a verified answer was.
import { readFileSync } from 'node:fs';
import { createSchemaCompiler, type SchemaError } from '../../runtime/lib/json-schema.ts';
import { compilePatterns, DEFAULT_PROFILE, mergeProfile, type SiteProfile } from './profile.ts';
import { PROFILE_SCHEMA } from './schema.ts';

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

export interface LoadedProfile {
  profile: SiteProfile;
  /** The file it came from; undefined for the built-in defaults. */
  file?: string;
}

let validator: ReturnType<ReturnType<typeof createSchemaCompiler>['compile']> | undefined;

function describe(error: SchemaError): string {
  const at = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `unknown key '${String(params.additionalProperty)}' at ${at}`;
  if (error.keyword === 'enum') return `${at} must be one of ${JSON.stringify(params.allowedValues)}`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

/** Checks a parsed profile document and merges it over the defaults. */
export function parseProfile(document: unknown, source = 'profile'): SiteProfile {
  validator ??= createSchemaCompiler({ allErrors: true }).compile(PROFILE_SCHEMA);
  if (!validator(document)) {
    // oneOf reports each branch; the branch errors say more than the oneOf summary itself.
    const errors = (validator.errors ?? []).filter((e) => e.keyword !== 'oneOf');
    const unique = [...new Set(errors.map(describe))];
    throw new ProfileError(`${source}: ${unique.slice(0, 5).join('; ')}`);
  }
  const profile = mergeProfile(DEFAULT_PROFILE, document);
  const patterns = compilePatterns(profile.messages);
  if ('key' in patterns) throw new ProfileError(`${source}: ${patterns.key} is not a valid regular expression: ${patterns.message}`);
  return profile;
}

export function loadProfileFile(file: string): LoadedProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProfileError(`cannot read the site profile ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return { profile: parseProfile(document, file), file };
}
