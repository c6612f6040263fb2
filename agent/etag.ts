// Entity tags for conditional writes. An ETag is a hash of what a client can see of a record, so a
// hand edit in Sage 100 (any visible change) changes it, and a write carrying the old one is refused.
import { createHash } from 'node:crypto';
import type { Condition } from './backends/backend.ts';
import { AgentError, validationError } from './errors.ts';

export function etagOf(visible: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(visible).sort().map((k) => [k, visible[k]]));
  return `"${createHash('sha256').update(canonical).digest('base64url').slice(0, 22)}"`;
}

/** The `rule` of the etag_mismatch a reconciling probe gets when the write has not taken effect. */
export const NOT_APPLIED = 'not-applied';

/** RFC 9110 entity-tag: optional W/, then a quoted string of etagc characters. */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * Refuses condition headers the agent cannot honour, before anything reaches Sage: If-Match must be
 * `*` or a list of quoted entity-tags; If-None-Match only `*` (create only). A malformed tag used to
 * answer 412, which tells a client to re-read and retry, forever; it is a client bug (422).
 */
export function assertConditionHeaders(condition: Condition): void {
  if (condition.ifMatch !== undefined) {
    const value = condition.ifMatch.trim();
    if (value !== '*' && !value.split(',').every((tag) => ENTITY_TAG.test(tag.trim()))) {
      throw validationError('If-Match', 'format', 'If-Match must be * or the ETag as read, quotes included (e.g. If-Match: "k3j…")');
    }
  }
  if (condition.ifNoneMatch !== undefined && condition.ifNoneMatch.trim() !== '*') {
    throw validationError('If-None-Match', 'enum', 'If-None-Match supports only * (create only)');
  }
}

/**
 * Decides whether a write may go ahead, given the record as Sage has it now (undefined = absent) and
 * whether the write would change anything. Throws the conflict the client must resolve.
 */
export function checkCondition(current: { etag: string } | undefined, wouldChange: boolean, condition: Condition, what: string): void {
  if (condition.reconcile) {
    if (!current || wouldChange) throw new AgentError('etag_mismatch', `${what} is not in the state this write asks for`, { rule: NOT_APPLIED });
    return;
  }
  if (condition.ifNoneMatch !== undefined) {
    if (current && condition.ifNoneMatch.trim() === '*') throw new AgentError('etag_mismatch', `${what} already exists (If-None-Match: *)`);
  }
  if (condition.ifMatch !== undefined) {
    const tags = condition.ifMatch.split(',').map((t) => t.trim());
    if (!current) throw new AgentError('etag_mismatch', `${what} does not exist, so If-Match cannot match`);
    // Strong comparison (RFC 9110 §13.1.1): a weak tag W/"..." never matches.
    if (!tags.includes('*') && !tags.includes(current.etag)) {
      throw new AgentError('etag_mismatch', `${what} was changed since it was read (ETag is now ${current.etag}); read it again and decide`);
    }
    return;
  }
  if (current && wouldChange) {
    throw new AgentError('precondition_required', `${what} exists; send If-Match with the ETag you read so that a concurrent edit is not overwritten`);
  }
}
