import type { Agency } from './registry/schema.ts';
import type { Regulation } from './regulation/schema.ts';
import type { Auxiliary } from './roster/schema.ts';
import { certificateLookupKey } from './text.ts';
import { OTHER_CATEGORY, type CategoryOption } from './complaint/schema.ts';

/** What the functions know about the published world: agencies, their regulations, the roster. */
export interface Directory {
  agency(id: string): Agency | undefined;
  readonly agencies: readonly Agency[];
  regulation(id: string): Regulation | undefined;
  /** Finds an auxiliary by a number as typed (full-width, lower-case, missing dashes all accepted). */
  auxiliary(certificateNo: string): Auxiliary | undefined;
  /** Every listed auxiliary (what "您是不是要找" suggestions are picked from). */
  readonly auxiliaries: readonly Auxiliary[];
}

export function buildDirectory(input: {
  agencies: readonly Agency[];
  regulations: ReadonlyMap<string, Regulation>;
  auxiliaries: Iterable<Auxiliary>;
}): Directory {
  const agencies = new Map(input.agencies.map((a) => [a.id, a]));
  const byKey = new Map<string, Auxiliary>();
  for (const aux of input.auxiliaries) byKey.set(certificateLookupKey(aux.certificateNo), aux);
  const auxiliaries = [...byKey.values()];
  return {
    agencies: input.agencies,
    auxiliaries,
    agency: (id) => agencies.get(id),
    regulation: (id) => input.regulations.get(id),
    auxiliary: (no) => byKey.get(certificateLookupKey(no)),
  };
}

/**
 * The categories of one regulation: its forbidden duties and prohibited conduct, with the article number
 * in the label, then 其他. Codes are `<regulationId>:<provisionId>`.
 */
export function categoriesOf(regulation: Regulation | undefined): CategoryOption[] {
  const options: CategoryOption[] = [];
  if (regulation) {
    for (const p of [...regulation.forbiddenDuties, ...regulation.prohibitedConduct]) {
      options.push({
        code: `${regulation.id}:${p.id}`,
        label: `${p.plain ?? p.text}（${p.article}）`,
        regulationId: regulation.id,
      });
    }
  }
  options.push({ code: OTHER_CATEGORY, label: '其他', regulationId: null });
  return options;
}
