// Metadata endpoints: /meta/fields and /meta/lists (yes/no flags as strings, archived options kept).
import type { Company } from './model.ts';
import { LIST_ALIASES } from './model.ts';
import type { Reply } from './http.ts';
import { FIELDS } from './fields.ts';
import { el } from './xml.ts';

export function metaFields(): Reply {
  const fields = FIELDS.map((f) => ({ id: f.id, name: f.name, type: f.type, ...(f.alias ? { alias: f.alias } : {}), ...(f.deprecated ? { deprecated: true } : {}) }));
  return {
    status: 200,
    json: fields,
    xml: () => el('fields', {}, ...fields.map((f) => el('field', { id: String(f.id), type: f.type, alias: f.alias }, f.name))),
  };
}

export function metaLists(company: Company): Reply {
  const lists = LIST_ALIASES.map((alias) => {
    const l = company.lists[alias];
    return {
      // The OpenAPI description types fieldId as a string (the fact sheet's sample shows a number).
      fieldId: String(l.fieldId),
      alias: l.alias,
      name: l.name,
      manageable: 'yes',
      multiple: 'no',
      options: l.options.map((o) => ({ id: o.id, archived: o.archived ? 'yes' : 'no', createdDate: o.createdDate, archivedDate: o.archivedDate, name: o.name })),
    };
  });
  return {
    status: 200,
    json: lists,
    xml: () =>
      el(
        'lists',
        {},
        ...lists.map((l) =>
          el('list', { fieldId: l.fieldId, alias: l.alias, manageable: l.manageable, multiple: l.multiple }, el('name', {}, l.name), el('options', {}, ...l.options.map((o) => el('option', { id: o.id, archived: o.archived, createdDate: o.createdDate, archivedDate: o.archivedDate }, o.name)))),
        ),
      ),
  };
}
