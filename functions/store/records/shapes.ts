import { z } from 'zod';

/** The JSON columns' shapes, parsed on every read: a row written by an older version fails loudly, not silently. */

/** `complaints.target`: whom the complaint is about. */
export const targetSchema = z.discriminatedUnion('about', [
  z.object({ about: z.literal('auxiliary'), certificateNo: z.string(), agencyId: z.string(), name: z.string() }),
  z.object({ about: z.literal('unit'), agencyId: z.string() }),
  z.object({ about: z.literal('agency'), agencyId: z.string() }),
  z.object({ about: z.literal('unknownNumber'), certificateNo: z.string(), agencyId: z.string().optional(), region: z.string().optional() }),
]);
export type Target = z.infer<typeof targetSchema>;

/** `complaints.contents`: the private part — never logged, never published. */
export const contentsSchema = z.object({
  when: z.string(),
  place: z.string(),
  description: z.string(),
  complainant: z.object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional() }),
  evidence: z.array(z.object({ name: z.string(), type: z.string(), size: z.number() })),
});
export type Contents = z.infer<typeof contentsSchema>;

/** `complaint_events.data` of a `routed` or `transferred` event: the agency and the rule that chose it. */
export const routedDataSchema = z.object({ agencyId: z.string(), rule: z.string().optional() }).loose();
export type RoutedData = z.infer<typeof routedDataSchema>;

/** Parses a JSON column; the error names the column, never its contents (they may be private). */
export function parseJsonColumn<T>(schema: z.ZodType<T>, column: string, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`stored ${column} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`stored ${column} has an unexpected shape: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}
