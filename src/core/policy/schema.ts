import { z } from 'zod';
import { complaintDataPolicySchema } from './complaint-data.ts';
import { handlingPolicySchema } from './handling.ts';
import { freshnessPolicySchema } from './freshness.ts';

/**
 * The deployment's policy file (`<CONTENT_DIR>/policy.yaml`): everything the platform decides that no regulation
 * says, one section per concern, each with its optional citation. Every section and field has a default, so an
 * absent file or section means the defaults, labelled as the platform's own rules.
 */
export const policySchema = z
  .object({
    handling: handlingPolicySchema.default(handlingPolicySchema.parse({})),
    complaintData: complaintDataPolicySchema.default(complaintDataPolicySchema.parse({})),
    /** How long a published roster counts as current (agency pages, the oversight bureau's daily summary). */
    freshness: freshnessPolicySchema.default(freshnessPolicySchema.parse({})),
    /** What is published and how long leavers' names stay: read and checked by src/import/policy/disclosure.ts. */
    disclosure: z.unknown().optional(),
    retention: z.unknown().optional(),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});
