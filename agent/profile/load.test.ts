// The site profile file: a partial file merges over the defaults; a bad one (unknown key, wrong type,
// a pattern that does not compile) is refused with a message naming the key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.ts';
import { loadProfileFile, parseProfile, ProfileError } from './load.ts';
import { DEFAULT_PROFILE } from './profile.ts';

function refusal(document: unknown): string {
  try {
    parseProfile(document, 'sage-profile.json');
  } catch (error) {
    if (error instanceof ProfileError) return error.message;
    throw error;
  }
  throw new Error('the profile was accepted');
}

describe('site profile', () => {
  it('merges a partial file over the defaults', () => {
    const profile = parseProfile({ profileVersion: 1, messages: { lock: 'gesperrt' }, budget: { code: 'HC' } });
    expect(profile.messages).toEqual({ ...DEFAULT_PROFILE.messages, lock: 'gesperrt' });
    expect(profile.budget).toEqual({ ...DEFAULT_PROFILE.budget, code: 'HC' });
    expect(profile.objects).toEqual(DEFAULT_PROFILE.objects);
    expect(parseProfile({ profileVersion: 1, objects: { options: null } }).objects.options).toBeNull();
  });

  it('accepts the whole default profile (what selftest writes)', () => {
    expect(parseProfile(JSON.parse(JSON.stringify(DEFAULT_PROFILE)))).toEqual(DEFAULT_PROFILE);
  });

  it('refuses unknown keys, naming them', () => {
    expect(refusal({ profileVersion: 1, mesages: {} })).toMatch(/unknown key 'mesages' at \//);
    expect(refusal({ profileVersion: 1, budget: { columns: { amout: 'X' } } })).toMatch(/unknown key 'amout' at \/budget\/columns/);
  });

  it('refuses a wrong type or value', () => {
    expect(refusal({ profileVersion: 1, accountLookup: { method: 'guess' } })).toMatch(/\/accountLookup\/method must be one of/);
    expect(refusal({ profileVersion: 1, budget: { code: 7 } })).toMatch(/\/budget\/code must be string/);
    expect(refusal({ profileVersion: 2 })).toMatch(/profileVersion/);
    expect(refusal({ messages: {} })).toMatch(/profileVersion/);
    expect(refusal({ profileVersion: 1, budget: { code: 'HEADCOUNT-TOO-LONG' } })).toMatch(/\/budget\/code/);
  });

  it('refuses a pattern that does not compile', () => {
    expect(refusal({ profileVersion: 1, messages: { lock: '(in use' } })).toMatch(/messages\.lock is not a valid regular expression/);
  });

  it('reports an unreadable or non-JSON file clearly', () => {
    const dir = tempDir();
    expect(() => loadProfileFile(join(dir.path, 'missing.json'))).toThrow(/cannot read the site profile .*ENOENT/);
    writeFileSync(join(dir.path, 'bad.json'), '{ "profileVersion": 1,');
    expect(() => loadProfileFile(join(dir.path, 'bad.json'))).toThrow(/is not valid JSON/);
    writeFileSync(join(dir.path, 'ok.json'), JSON.stringify({ profileVersion: 1 }));
    expect(loadProfileFile(join(dir.path, 'ok.json')).profile).toEqual(DEFAULT_PROFILE);
    dir.remove();
  });
});
