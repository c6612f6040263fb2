// Entity tags for conditional writes. An ETag is a hash of what a client can see of a record, so a
// hand edit in Sage 100 (any visible change) changes it, and a write carrying the old one is refused.
import { createHash } from 'node:crypto';
import type { Condition } from './backends/backend.ts';
import { AgentError } from './errors.ts';

export function etagOf(visible: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(visible).sort().map((k) => [k, visible[k]]));
  return `"${createHash('sha256').update(canonical).digest('base64url').slice(0, 22)}"`;
}

function sameTag(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

/**
 * Decides whether a write may go ahead, given the record as Sage has it now (undefined = absent) and
 * whether the write would change anything. Throws the conflict the client must resolve.
 */
export function checkCondition(current: { etag: string } | undefined, wouldChange: boolean, condition: Condition, what: string): void {
  if (condition.ifNoneMatch !== undefined) {
    if (current && condition.ifNoneMatch.trim() === '*') throw new AgentError('etag_mismatch', `${what} already exists (If-None-Match: *)`);
  }
  if (condition.ifMatch !== undefined) {
    const tags = condition.ifMatch.split(',').map((t) => t.trim());
    if (!current) throw new AgentError('etag_mismatch', `${what} does not exist, so If-Match cannot match`);
    if (!tags.includes('*') && !tags.some((t) => sameTag(t, current.etag))) {
      throw new AgentError('etag_mismatch', `${what} was changed since it was read (ETag is now ${current.etag}); read it again and decide`);
    }
    return;
  }
  if (current && wouldChange) {
    throw new AgentError('precondition_required', `${what} exists; send If-Match with the ETag you read so that a concurrent edit is not overwritten`);
  }
}
