import type { World } from '../complaints/world.ts';

/** What the publishing workspace needs: the store, the clock, the published directory and the site's address. */
export type PublishWorld = Pick<World, 'store' | 'clock' | 'directory' | 'settings' | 'log'>;

/** A sign-in link works for 15 minutes, once. */
export const SIGN_IN_LINK_MINUTES = 15;
/** A session lasts at most 8 hours; signing in again starts a new one. */
export const SESSION_HOURS = 8;
/**
 * The platform's policy for sign-in links (not law), counted per process like the complaint rate limits:
 * `perAddress` sign-in requests from one client address in any hour, then 429; `perAgency` sign-in MAILS to one
 * agency's (or bureau's) mailbox in any hour — enough for a clerk who mistypes, too few to flood the mailbox. A
 * request beyond `perAgency` sends nothing and keeps the newest mailed link valid until the hour frees a mail
 * (http.ts), so requests by strangers, who never see the mail, cannot lock the clerk out.
 */
export const SIGN_IN_REQUESTS_PER_HOUR = { perAgency: 5, perAddress: 10 };
