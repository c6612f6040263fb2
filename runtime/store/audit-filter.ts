import type { AuditEvent, AuditFilter } from './store.ts';

export function matchesAudit(event: AuditEvent, filter: AuditFilter): boolean {
  if (filter.pipeline !== undefined && event.pipeline !== filter.pipeline) return false;
  if (filter.recordKey !== undefined && event.recordKey !== filter.recordKey && !(event.related ?? []).includes(filter.recordKey)) return false;
  if (filter.since !== undefined && event.at < filter.since) return false;
  return true;
}
