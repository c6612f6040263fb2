// The store tests use: the same document logic as the embedded default, kept in memory.
import { documentStore, type AuditLog } from './document-store.ts';
import { emptyDocument } from './document.ts';
import { matchesAudit } from './audit-filter.ts';
import type { AuditEvent, Store } from './store.ts';

export function createMemoryStore(): Store {
  let events: AuditEvent[] = [];
  const sequence = new WeakMap<AuditEvent, number>();
  const audit: AuditLog = {
    append: async (batch, seq) => {
      for (const event of batch) {
        const copy = structuredClone(event);
        sequence.set(copy, seq);
        events.push(copy);
      }
    },
    rollback: async (seq) => {
      events = events.filter((e) => (sequence.get(e) ?? 0) !== seq);
    },
    async *query(filter) {
      for (const event of events) if (matchesAudit(event, filter)) yield event;
    },
    prune: async (before) => {
      const kept = events.filter((e) => Date.parse(e.at) >= before.getTime());
      const dropped = events.length - kept.length;
      events = kept;
      return dropped;
    },
    close: async () => undefined,
  };
  return documentStore({
    document: emptyDocument(),
    persist: async () => undefined,
    audit,
    close: async () => undefined,
  });
}
