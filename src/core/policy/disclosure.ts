import { z } from 'zod';
import { positiveInt } from './fields.ts';

/**
 * What is published and how long leavers' names stay. Name, unit and certificate number are what Lu'an art. 18
 * names; status with its date and the validity (issue date and expiry date) are published as the platform's policy (a lookup means nothing without
 * them). Everything else is off unless switched on here, each switch with the basis the deployment relies on.
 */
export const optionalFields = ['post', 'employment', 'dispatcher', 'photo'] as const;
export type OptionalField = (typeof optionalFields)[number];

export const optionalFieldLabels: Record<OptionalField, string> = {
  post: '岗位',
  employment: '用工方式',
  dispatcher: '劳务派遣单位',
  photo: '照片',
};

const switchSchema = z
  .object({
    enabled: z.boolean({ error: 'enabled 应为 true 或 false' }),
    /** The document or decision that allows publishing this field (e.g. the agency's 公示办法, a notice number). */
    basis: z.string({ error: 'basis 应是文字' }).trim().min(1, { message: 'basis 不能为空' }).optional(),
  })
  .strict()
  .refine((s) => !s.enabled || !!s.basis, { message: '打开公开（enabled: true）时必须写明依据 basis', path: ['basis'] });

export const disclosurePolicySchema = z
  .object({
    publish: z
      .object(Object.fromEntries(optionalFields.map((f) => [f, switchSchema.optional()])) as Record<OptionalField, z.ZodOptional<typeof switchSchema>>)
      .strict()
      .default({}),
  })
  .strict();

/** Years a leaver's name stays published when the policy file says nothing. */
export const DEFAULT_RETENTION_YEARS = 2;

export const retentionPolicySchema = z
  .object({
    /** Years after the status date (left, revoked, cancelled) after which the name is no longer shown anywhere. */
    leaversYears: positiveInt('leaversYears', '年').default(DEFAULT_RETENTION_YEARS),
    /** Optional citation of the document that adopts this period: `citation` as in every other section, or `basis`. */
    citation: z.string().trim().min(1).optional(),
    basis: z.string().trim().min(1).optional(),
  })
  .strict();

export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

/** The leavers' retention period of a checked policy (the functions get it from the directory file); the default without one. */
export function leaversRetention(policy: { retention: RetentionPolicy } | undefined): { years: number; basis?: string } {
  const retention = policy?.retention ?? retentionPolicySchema.parse({});
  const basis = retention.basis ?? retention.citation;
  return { years: retention.leaversYears, ...(basis ? { basis } : {}) };
}

/** The disclosure and retention sections as the build uses them. */
export interface DisclosurePolicy {
  /** Optional fields switched on, with their basis. */
  published: ReadonlyMap<OptionalField, string>;
  retentionYears: number;
  retentionBasis?: string;
}

export function disclosureOf(policy: {
  disclosure: z.infer<typeof disclosurePolicySchema>;
  retention: z.infer<typeof retentionPolicySchema>;
}): DisclosurePolicy {
  const published = new Map<OptionalField, string>();
  for (const field of optionalFields) {
    const s = policy.disclosure.publish[field];
    if (s?.enabled) published.set(field, s.basis!);
  }
  return { published, retentionYears: policy.retention.leaversYears, retentionBasis: leaversRetention(policy).basis };
}
