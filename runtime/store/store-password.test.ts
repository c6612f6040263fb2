import { describe, expect, it } from 'vitest';
import { resolveStorePassword } from './store-password.ts';

const secrets = {
  resolve: async (text: string) => {
    if (text !== '${secret:pg-password}') throw Object.assign(new Error(`secret ${text} is not stored`), { code: 'MLC_SECRET_MISSING' });
    return 'pa55-from-store';
  },
};

describe('the PostgreSQL password as a secret reference', () => {
  it('comes from ML_CONNECTOR_STORE_PASSWORD_REF, the URL left as it was', async () => {
    const url = 'postgres://mlc@db.internal:5432/connector';
    expect(await resolveStorePassword(url, { ML_CONNECTOR_STORE_PASSWORD_REF: 'secret:pg-password' }, secrets)).toEqual({ url, password: 'pa55-from-store' });
    expect(await resolveStorePassword(url, { ML_CONNECTOR_STORE_PASSWORD_REF: '${secret:pg-password}' }, secrets)).toEqual({ url, password: 'pa55-from-store' });
  });

  it('comes from password=secret:NAME in the URL, which is taken out of the URL (other parameters kept)', async () => {
    expect(await resolveStorePassword('postgres://mlc@db/connector?password=secret:pg-password&sslmode=require', {}, secrets)).toEqual({ url: 'postgres://mlc@db/connector?sslmode=require', password: 'pa55-from-store' });
    expect(await resolveStorePassword('postgresql://mlc@db/connector?password=secret%3Apg-password', {}, secrets)).toEqual({ url: 'postgresql://mlc@db/connector', password: 'pa55-from-store' });
  });

  it('refuses a literal password where a reference belongs, and a password given twice; other stores are left alone', async () => {
    await expect(resolveStorePassword('postgres://mlc@db/c', { ML_CONNECTOR_STORE_PASSWORD_REF: 'hunter2' }, secrets)).rejects.toMatchObject({ code: 'MLC_USAGE', message: expect.not.stringContaining('hunter2') });
    await expect(resolveStorePassword('postgres://mlc@db/c?password=hunter2', {}, secrets)).rejects.toMatchObject({ code: 'MLC_USAGE', message: expect.not.stringContaining('hunter2') });
    await expect(resolveStorePassword('postgres://mlc@db/c?password=secret:a', { ML_CONNECTOR_STORE_PASSWORD_REF: 'secret:b' }, secrets)).rejects.toMatchObject({ code: 'MLC_USAGE', message: expect.stringMatching(/given twice/) });
    await expect(resolveStorePassword('postgres://mlc@db/c', { ML_CONNECTOR_STORE_PASSWORD_REF: 'secret:absent' }, secrets)).rejects.toMatchObject({ code: 'MLC_SECRET_MISSING' });
    expect(await resolveStorePassword('lowdb:./state', { ML_CONNECTOR_STORE_PASSWORD_REF: 'secret:pg-password' }, secrets)).toEqual({ url: 'lowdb:./state' });
    expect(await resolveStorePassword('postgres://mlc@db/c', {}, secrets)).toEqual({ url: 'postgres://mlc@db/c' });
  });
});
