// Start-up reconciliation of writes whose first run was never answered: applied ones get their real
// answer remembered (marked reconciled), missing ones stay to be applied by their retry, and a Sage
// that cannot be asked defers the decision instead of guessing.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/lib/log.ts';
import { AgentError } from '../errors.ts';
import { NOT_APPLIED } from '../etag.ts';
import { tempDir } from '../test-support.ts';
import { reconcileUnanswered, type WriteRunner } from './reconcile.ts';
import { idempotentWrite } from './write-flow.ts';
import { IdempotencyStore, type IntentRequest } from './store.ts';

const request = (code: string, headers: Partial<IntentRequest> = {}): IntentRequest => ({ method: 'PUT', path: `/v1/companies/KBS/segments/03/values/${code}`, body: `{"description":"${code}"}`, ...headers });

describe('start-up reconciliation', () => {
  it('remembers applied writes with the outcome their conditions imply, and leaves the rest to their retry', async () => {
    const dir = tempDir();
    const store = new IdempotencyStore(dir.path);
    const intents: Array<[string, IntentRequest]> = [
      ['created', request('NEW', { ifNoneMatch: '*' })],
      ['updated', request('UPD', { ifMatch: '"old"' })],
      ['missing', request('MIS', { ifNoneMatch: '*' })],
      ['busy', request('BSY')],
    ];
    for (const [key, r] of intents) {
      store.begin(key, `f-${key}`);
      store.recordIntent(key, `f-${key}`, r);
      store.abandon(key);
    }
    const probes: boolean[] = [];
    const run: WriteRunner = async (r, reconcile) => {
      probes.push(reconcile);
      if (r.path.endsWith('MIS')) throw new AgentError('etag_mismatch', 'not there', { rule: NOT_APPLIED });
      if (r.path.endsWith('BSY')) throw new AgentError('no_licence', 'no licence', { retryAfterSeconds: 30 });
      return { status: 200, body: { outcome: 'unchanged', record: { etag: '"now"' }, warnings: [] }, headers: { etag: '"now"' } };
    };
    expect(await reconcileUnanswered(store, run, silentLogger())).toEqual({ applied: 2, notApplied: 1, deferred: 1 });
    // Reconciliation only probes: it never runs a write.
    expect(probes.every(Boolean)).toBe(true);
    const created = store.begin('created', 'f-created');
    expect(created).toMatchObject({ kind: 'replay', response: { status: 201, headers: { 'idempotent-reconciled': 'true' } } });
    expect(JSON.parse((created as { response: { body: string } }).response.body)).toMatchObject({ outcome: 'created' });
    expect(JSON.parse((store.begin('updated', 'f-updated') as { response: { body: string } }).response.body)).toMatchObject({ outcome: 'updated' });
    expect(store.begin('missing', 'f-missing')).toMatchObject({ kind: 'unanswered' });
    expect(store.begin('busy', 'f-busy')).toMatchObject({ kind: 'unanswered' });
    store.close();
    dir.remove();
  });

  it('never remembers a 412/428 for a key whose first run was never answered', async () => {
    const dir = tempDir();
    const store = new IdempotencyStore(dir.path);
    store.begin('k', 'f');
    store.recordIntent('k', 'f', request('CNF', { ifMatch: '"old"' }));
    store.abandon('k');
    const run: WriteRunner = async (_r, reconcile) => {
      throw new AgentError('etag_mismatch', reconcile ? 'not there' : 'changed by someone else', reconcile ? { rule: NOT_APPLIED } : {});
    };
    const answer = await idempotentWrite(store, silentLogger(), 'k', 'f', request('CNF', { ifMatch: '"old"' }), run);
    expect(answer.result.status).toBe(412);
    expect(store.begin('k', 'f')).toMatchObject({ kind: 'unanswered' });
    store.close();
    dir.remove();
  });
});
