/**
 * Which people of a search group (see records.ts) match a query, decided the same way in the search page and in
 * the recall test. Bundled into the search page: keep it free of Node imports.
 */
import { searchName } from './tokens.ts';

/** [certificate number, name, post?] */
export type Member = [no: string, name: string, post?: string];

export interface BucketMeta {
  agency: string;
  agencyId: string;
  region: string;
  /** Status label (有效 / 暂停 / 已收回 / 已离职). */
  status: string;
}

const HAN = /\p{Script=Han}/u;

/** 'exact' for the exact full name, 'match' when the query is in the person's name, post, unit, region or status. */
export function memberMatch(query: string, member: Member, bucket: BucketMeta): 'exact' | 'match' | undefined {
  const q = query.trim();
  if (!q) return 'match';
  const name = searchName(member[1]);
  const qName = searchName(q);
  if (qName === name) return 'exact';
  if (HAN.test(qName) && !/[0-9]/.test(qName) && qName.split('·').filter(Boolean).every((part) => name.includes(part))) return 'match';
  const haystack = `${name} ${member[2] ?? ''} ${bucket.agency} ${bucket.region} ${bucket.status} ${member[0]}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).every((term) => haystack.includes(term)) ? 'match' : undefined;
}
