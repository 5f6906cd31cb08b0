import { provisionById } from './provisions.ts';
import type { Provision, Regulation } from './schema.ts';

/** Whom a complaint category is aimed at: the auxiliary's own conduct, or the employing agency's duties. */
export type CategoryTarget = 'auxiliary' | 'agency';

export const categoryTargetTitle: Record<CategoryTarget, string> = {
  auxiliary: '辅助人员本人的行为',
  agency: '执法机关的义务（公示名单、证件、标识、投诉渠道等）',
};

export interface ComplaintCategory {
  /** `<regulationId>:<provisionId>`. */
  code: string;
  target: CategoryTarget;
  provision: Provision;
  /** The reading from the reviewed table (else the exact words with their lead-in), and the article. */
  label: string;
}

/** The text a category shows: the reviewed reading, or, without one, the quote itself with its lead-in. */
export function provisionLabel(p: Provision): string {
  return p.reading ?? `${p.leadIn ?? ''}${p.text}`;
}

/** A regulation's complaint categories from its `complaintCategories`, auxiliary ones first. */
export function complaintCategories(regulation: Regulation): ComplaintCategory[] {
  const out: ComplaintCategory[] = [];
  for (const target of ['auxiliary', 'agency'] as const) {
    for (const id of regulation.complaintCategories[target]) {
      const provision = provisionById(regulation, id)!;
      out.push({ code: `${regulation.id}:${id}`, target, provision, label: `${provisionLabel(provision)}（${provision.article}）` });
    }
  }
  return out;
}
