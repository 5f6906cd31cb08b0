import type { Portal } from '../portal/data.ts';
import { statusInfo } from '../portal/labels.ts';
import { certificateLookupKey } from '../text.ts';
import { nameTokens, numberTokens } from './tokens.ts';
import { verifyPath } from "../portal/paths.ts";

/** One Pagefind custom record (the shape of pagefind's CustomRecord). */
export interface SearchRecord {
  url: string;
  content: string;
  language: string;
  meta: Record<string, string>;
  filters: Record<string, string[]>;
}

/** Filter names as shown on the search page. */
export const FILTER_REGION = '地区';
export const FILTER_AGENCY = '单位';
export const FILTER_STATUS = '状态';

/**
 * The search record of every auxiliary: the visible words (name, unit, post, number) for Pagefind's own
 * segmentation plus the tokens from tokens.ts that make names and number tails findable.
 */
export function* searchRecords(portal: Portal): Generator<SearchRecord> {
  for (const aux of portal.auxiliaries) {
    const agency = portal.agencyById.get(aux.agencyId)!;
    const status = statusInfo[aux.status].label;
    const key = certificateLookupKey(aux.certificateNo);
    const words = [aux.name, agency.name, aux.post ?? '', aux.certificateNo, ...nameTokens(aux.name), ...numberTokens(key)];
    yield {
      url: verifyPath(aux.certificateNo),
      content: words.filter(Boolean).join(' '),
      language: 'zh',
      meta: { title: aux.name, no: aux.certificateNo, agency: agency.name, status, ...(aux.post ? { post: aux.post } : {}) },
      filters: { [FILTER_REGION]: [agency.region], [FILTER_AGENCY]: [agency.name], [FILTER_STATUS]: [status] },
    };
  }
}
