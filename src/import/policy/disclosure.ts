import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ContentError } from '../../core/friendly-errors.ts';
import { formatIssue } from '../../core/issues.ts';

/**
 * The disclosure and retention part of the deployment's policy file (`policy.yaml` in the content folder). Name,
 * unit and certificate number are what Lu'an art. 18 names; status with its date and validity are published as the
 * platform's policy (a lookup means nothing without them). Everything else is off unless switched on here, each
 * switch with the basis the deployment relies on. Without the file, the defaults below apply.
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
  .strict()
  .default({ publish: {} });

/** Years a leaver's name stays published when the policy file says nothing. */
export const DEFAULT_RETENTION_YEARS = 2;

export const retentionPolicySchema = z
  .object({
    /** Years after the status date (left, revoked, cancelled) after which the name is no longer shown anywhere. */
    leaversYears: z
      .number({ error: 'leaversYears 应为正整数（年）' })
      .int({ message: 'leaversYears 应为正整数（年）' })
      .positive({ message: 'leaversYears 应为正整数（年）' })
      .default(DEFAULT_RETENTION_YEARS),
    /** Optional citation of the document that adopts this period. */
    basis: z.string().trim().min(1).optional(),
  })
  .strict()
  .default({ leaversYears: DEFAULT_RETENTION_YEARS });

/**
 * The leavers' retention period from an already checked policy (the functions get it from the directory file).
 * The build refused a broken section, so a value that does not parse here falls back to the default.
 */
export function leaversRetention(policy: { retention?: unknown } | undefined): { years: number; basis?: string } {
  const parsed = retentionPolicySchema.safeParse(policy?.retention);
  if (!parsed.success) return { years: DEFAULT_RETENTION_YEARS };
  return { years: parsed.data.leaversYears, ...(parsed.data.basis ? { basis: parsed.data.basis } : {}) };
}

/** The part of policy.yaml this module reads; other sections of the file belong to other parts of the platform. */
const fileSchema = z.looseObject({ disclosure: disclosurePolicySchema, retention: retentionPolicySchema });

export interface DisclosurePolicy {
  /** Optional fields switched on, with their basis. */
  published: ReadonlyMap<OptionalField, string>;
  retentionYears: number;
  retentionBasis?: string;
}

export const POLICY_FILE = 'policy.yaml';

export function parseDisclosurePolicy(data: unknown, where: string): DisclosurePolicy {
  const parsed = fileSchema.safeParse(data ?? {});
  if (!parsed.success)
    throw new ContentError(
      where,
      parsed.error.issues.map((issue) => formatIssue(issue)),
    );
  const published = new Map<OptionalField, string>();
  for (const field of optionalFields) {
    const s = parsed.data.disclosure.publish[field];
    if (s?.enabled) published.set(field, s.basis!);
  }
  return { published, retentionYears: parsed.data.retention.leaversYears, retentionBasis: parsed.data.retention.basis };
}

/** Reads `policy.yaml` from the content folder; absent → only the defaults (nothing optional published, 2 years). */
export async function loadDisclosurePolicy(contentDir: string): Promise<DisclosurePolicy> {
  const path = join(contentDir, POLICY_FILE);
  if (!existsSync(path)) return parseDisclosurePolicy({}, path);
  let data: unknown;
  try {
    data = parseYaml(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ContentError(path, [`YAML 格式错误：${(error as Error).message}`]);
  }
  return parseDisclosurePolicy(data, path);
}
