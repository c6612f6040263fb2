// Schema fragments connectors reuse in their config schemas, so every connector spells secret and
// environment references the same way the pipeline schema does.
import { SECRET_REFERENCE_PATTERN } from '../load/reference-syntax.ts';

/** A value that must come from the secret store: `${secret:name}`. Inline secrets are refused. */
export const secretReference = {
  type: 'string',
  pattern: SECRET_REFERENCE_PATTERN,
  description: 'A stored secret, written as ${secret:name}. Secrets are never written inline.',
} as const;

/** A value that may be written inline or taken from the environment (`${env:NAME}`). */
export const plainOrEnv = {
  type: 'string',
  minLength: 1,
} as const;

/** An HTTPS URL. Credentials never travel over plain HTTP. */
export const httpsUrl = {
  type: 'string',
  pattern: '^https://[^\\s/$.?#][^\\s]*$',
} as const;
