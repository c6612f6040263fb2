import { describe, expect, it } from 'vitest';
import { ringOf, newKeyText } from './test-support.ts';
import { open, seal, type Envelope } from './envelope.ts';

const UPDATED = '2026-01-02T03:04:05.000Z';

function codeOfSync(run: () => unknown): string {
  try {
    run();
    return 'opened';
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

/** The envelope with one base64 field's bytes changed by `change`. */
function withBytes(envelope: Envelope, field: 'nonce' | 'ct' | 'tag', change: (b: Buffer) => Buffer): Envelope {
  return { ...envelope, [field]: change(Buffer.from(envelope[field], 'base64')).toString('base64') };
}

describe('envelope', () => {
  it('round-trips text of every size, with a fresh nonce each time', async () => {
    const ring = await ringOf(newKeyText());
    const nonces = new Set<string>();
    for (const value of ['v', 'pässwörd ✓', 'x'.repeat(64 * 1024), '-----BEGIN CERTIFICATE-----\nMII…\n']) {
      const sealed = seal('name', value, ring.current, UPDATED);
      nonces.add(sealed.nonce);
      expect(Buffer.from(sealed.nonce, 'base64')).toHaveLength(12);
      expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
      expect(open('name', sealed, ring, 'store')).toBe(value);
    }
    expect(nonces.size).toBe(4);
  });

  it('refuses a truncated tag (12, 8 and 4 bytes), which Node accepts unless authTagLength is set', async () => {
    const ring = await ringOf(newKeyText());
    const sealed = seal('name', 'value', ring.current, UPDATED);
    for (const length of [12, 8, 4]) {
      expect(codeOfSync(() => open('name', withBytes(sealed, 'tag', (b) => b.subarray(0, length)), ring, 'store'))).toBe('MLC_SECRET_CORRUPT');
    }
  });

  it('refuses every single-bit change in nonce, ciphertext and tag', async () => {
    const ring = await ringOf(newKeyText());
    const sealed = seal('name', 'a secret value', ring.current, UPDATED);
    let tampered = 0;
    for (const field of ['nonce', 'ct', 'tag'] as const) {
      const length = Buffer.from(sealed[field], 'base64').length;
      for (let i = 0; i < length; i += 1) {
        for (const bit of [0x01, 0x80]) {
          const bad = withBytes(sealed, field, (b) => {
            const copy = Buffer.from(b);
            copy[i] = (copy[i] ?? 0) ^ bit;
            return copy;
          });
          expect(codeOfSync(() => open('name', bad, ring, 'store'))).toBe('MLC_SECRET_CORRUPT');
          tampered += 1;
        }
      }
    }
    expect(tampered).toBe(2 * (12 + 14 + 16));
  });

  it('refuses an envelope moved to another name or re-dated (both are bound as additional data)', async () => {
    const ring = await ringOf(newKeyText());
    const sealed = seal('sage-agent-key', 'value', ring.current, UPDATED);
    expect(codeOfSync(() => open('bamboohr-client-secret', sealed, ring, 'store'))).toBe('MLC_SECRET_CORRUPT');
    expect(codeOfSync(() => open('sage-agent-key', { ...sealed, updated: '2027-01-01T00:00:00.000Z' }, ring, 'store'))).toBe('MLC_SECRET_CORRUPT');
  });

  it('names the key id when the envelope was sealed under a key the ring does not have', async () => {
    const writer = await ringOf(newKeyText());
    const reader = await ringOf(newKeyText());
    const sealed = seal('name', 'value', writer.current, UPDATED);
    expect(() => open('name', sealed, reader, 'the store')).toThrow(new RegExp(`key id ${writer.current.id}.*key id ${reader.current.id}`));
  });

  it('opens with a previous key kept in the ring during a rotation', async () => {
    const oldKey = newKeyText();
    const sealed = seal('name', 'value', (await ringOf(oldKey)).current, UPDATED);
    expect(open('name', sealed, await ringOf(newKeyText(), oldKey), 'store')).toBe('value');
  });

  it('reports malformed entries as corrupt: base64 Node would half-decode, missing or extra fields', async () => {
    const ring = await ringOf(newKeyText());
    const sealed = seal('name', 'value', ring.current, UPDATED);
    for (const bad of [{ ...sealed, ct: `${sealed.ct}!` }, { ...sealed, nonce: sealed.nonce.slice(1) }, { ...sealed, extra: 'x' }, { kid: sealed.kid }, 'text', null]) {
      expect(codeOfSync(() => open('name', bad, ring, 'store'))).toBe('MLC_SECRET_CORRUPT');
    }
  });
});
