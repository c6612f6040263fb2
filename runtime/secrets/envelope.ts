// One encrypted value: AES-256-GCM with a fresh random 96-bit nonce, the full 16-byte tag, and the
// secret's name and update time bound as additional data, so an envelope moved to another name, or
// re-dated, fails authentication instead of decrypting. Node accepts truncated tags unless
// authTagLength is set (a 4-byte tag would pass), so it is set on both sides.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring.ts';
import type { MasterKey } from './master-key.ts';
import { secretError } from './secret-rules.ts';

export interface Envelope {
  /** Key id of the master key that sealed it. */
  kid: string;
  nonce: string;
  ct: string;
  tag: string;
  /** ISO time of the last `set`; shown by `secrets list` and bound into the additional data. */
  updated: string;
}

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function additionalData(name: string, updated: string): Buffer {
  return Buffer.from(`ml-connector secret v1\0${name}\0${updated}`, 'utf8');
}

export function seal(name: string, value: string, key: MasterKey, updated: string): Envelope {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(name, updated));
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { kid: key.id, nonce: nonce.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64'), updated };
}

/** The envelope's fields if it has the right shape, else undefined. */
export function asEnvelope(value: unknown): Envelope | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  const fields = ['kid', 'nonce', 'ct', 'tag', 'updated'] as const;
  if (!fields.every((f) => typeof e[f] === 'string') || Object.keys(e).length !== fields.length) return undefined;
  return e as unknown as Envelope;
}

/** Base64 that decodes to exactly `bytes` bytes (or any length when undefined), refusing what Node would skip. */
function strictBase64(text: string, bytes?: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') !== text) return undefined;
  return bytes === undefined || decoded.length === bytes ? decoded : undefined;
}

/** The plaintext, or MLC_SECRET_KEY_MISMATCH / MLC_SECRET_CORRUPT; never a wrong value. */
export function open(name: string, raw: unknown, ring: KeyRing, where: string): string {
  const corrupt = (why: string): Error =>
    secretError('MLC_SECRET_CORRUPT', `secret '${name}' in ${where} ${why}: the file was altered or damaged; store it again with 'ml-connector secrets set ${name}'`);
  const envelope = asEnvelope(raw);
  if (!envelope) throw corrupt('is not a well-formed entry');
  const key = ring.keys.find((k) => k.id === envelope.kid);
  if (!key) throw mismatch(name, envelope.kid, ring, where);
  const nonce = strictBase64(envelope.nonce, NONCE_BYTES);
  const tag = strictBase64(envelope.tag, TAG_BYTES);
  const ct = strictBase64(envelope.ct);
  if (!nonce || !tag || !ct) throw corrupt('is not a well-formed entry');
  try {
    const decipher = createDecipheriv(ALGORITHM, key.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(name, envelope.updated));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(ct), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw corrupt('fails authentication');
  }
}

export function mismatch(name: string, kid: string, ring: KeyRing, where: string): Error {
  const have = ring.keys.map((k) => `${k.id} (${k.source})`).join(', ');
  return secretError(
    'MLC_SECRET_KEY_MISMATCH',
    `secret '${name}' in ${where} is encrypted under key id ${kid}, but ${ring.keys.length === 1 ? 'the master key given has key id' : 'the keys given have key ids'} ${have}: use the key the store was written with (during a rotation, set ML_CONNECTOR_MASTER_KEY_PREVIOUS to the old key)`,
  );
}
