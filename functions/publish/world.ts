import type { World } from '../complaints/world.ts';

/** What the publishing workspace needs: the store, the clock, the published directory and the site's address. */
export type PublishWorld = Pick<World, 'store' | 'clock' | 'directory' | 'settings' | 'log'>;

/** A sign-in link works for 15 minutes, once. */
export const SIGN_IN_LINK_MINUTES = 15;
/** A session lasts at most 8 hours; signing in again starts a new one. */
export const SESSION_HOURS = 8;
/**
 * Sign-in requests allowed in any hour, per agency and per client address (policy, not law: enough for a clerk
 * who mistypes, too few to flood an agency's mailbox). Counted per process, like the complaint rate limits.
 */
export const SIGN_IN_REQUESTS_PER_HOUR = { perAgency: 5, perAddress: 10 };
