import { z } from 'zod';
import { complaintDataPolicySchema } from './complaint-data.ts';
import { disclosurePolicySchema, retentionPolicySchema } from './disclosure.ts';
import { handlingPolicySchema } from './handling.ts';
import { freshnessPolicySchema } from './freshness.ts';

/**
 * The deployment's policy file (`<CONTENT_DIR>/policy.yaml`): everything the platform decides that no regulation
 * says, one section per concern, each with its optional citation. Every section and field has a default, so an
 * absent file or section means the defaults, labelled as the platform's own rules. A new section is one more
 * line here with its schema in its own file.
 */
const section = <S extends z.ZodType>(schema: S) => schema.default(() => schema.parse({}) as z.util.NoUndefined<z.output<S>>);

export const policySchema = z
  .object({
    handling: section(handlingPolicySchema),
    complaintData: section(complaintDataPolicySchema),
    /** How long a published roster counts as current (agency pages, the oversight bureau's daily summary). */
    freshness: section(freshnessPolicySchema),
    disclosure: section(disclosurePolicySchema),
    retention: section(retentionPolicySchema),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});
