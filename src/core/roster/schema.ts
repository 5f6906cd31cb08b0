import { z } from 'zod';
import { isoDate } from '../dates.ts';

/** revoked: the certificate was withdrawn (收回, 吊销); cancelled: it was cancelled (注销, 作废), e.g. on re-issue. Expired is derived from validUntil. */
export const statusValues = ['active', 'suspended', 'revoked', 'cancelled', 'left'] as const;
export const employmentValues = ['direct', 'dispatch'] as const;

/**
 * One auxiliary as kept from a roster: anything else in a roster export is dropped at import. What of it reaches
 * `dist/` is decided by the disclosure policy (src/lib/policy/disclosure.ts, src/lib/portal/public-view.ts).
 */
export const auxiliarySchema = z
  .object({
    /** Normalized (normalizeCertificateNo): half-width, upper-case, no spaces. Unique across the site. */
    certificateNo: z.string().min(1),
    name: z.string().min(1),
    agencyId: z.string().min(1),
    post: z.string().min(1).optional(),
    status: z.enum(statusValues),
    statusSince: isoDate.optional(),
    issuedOn: isoDate.optional(),
    validUntil: isoDate.optional(),
    employment: z.enum(employmentValues).optional(),
    dispatcher: z.string().min(1).optional(),
    /** Photo file name relative to the roster's folder; copied to the site only when present. */
    photo: z.string().min(1).optional(),
    /** 照片公开同意: the holder agreed that the photo may be published. Never published itself. */
    photoConsent: z.boolean().optional(),
  })
  .strict();

export type Auxiliary = z.infer<typeof auxiliarySchema>;
export type AuxiliaryStatus = (typeof statusValues)[number];
/** The status a citizen sees: the roster's, or `expired` once an active certificate is past 有效期至. */
export type ShownStatus = AuxiliaryStatus | 'expired';
export type Employment = (typeof employmentValues)[number];

/** Statuses after which the holder no longer works on the certificate: their names are kept only for a while. */
export const ENDED_STATUSES: ReadonlySet<ShownStatus> = new Set<ShownStatus>(['left', 'revoked', 'cancelled']);

/** The fields kept from a roster, in the order used by open data; which of them are published is the disclosure policy's call. */
export const publishedFields = (Object.keys(auxiliarySchema.shape) as (keyof Auxiliary)[]).filter((f) => f !== 'photoConsent');
