import type { Auxiliary, ShownStatus } from './schema.ts';

/**
 * The status a citizen sees on `today` (YYYY-MM-DD, the date in China): the roster's, or `expired` once an active
 * certificate is past its 有效期至. The build decides it on its own date; /expiry.js and the functions' search page
 * without JavaScript decide it again on the day the page is read.
 */
export function shownStatus(aux: Pick<Auxiliary, 'status' | 'validUntil'>, today: string): ShownStatus {
  return aux.status === 'active' && aux.validUntil !== undefined && aux.validUntil < today ? 'expired' : aux.status;
}
