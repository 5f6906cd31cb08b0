import { z } from 'zod';
import { complaintStatusLabels, complaintStatuses } from './status.ts';

/**
 * What a complainant may see of their complaint, and nothing more: status, handling agency and a dated history of
 * the public steps. The JSON status API, the no-JS status page and the island all show this one view.
 * Event types not listed here (reminders, escalations, anything added later) are internal and never shown.
 */
export const citizenEventTypes = ['submitted', 'routed', 'accepted', 'rejected', 'transferred', 'resolved'] as const;
export type CitizenEventType = (typeof citizenEventTypes)[number];

const citizenEventLabels: Record<CitizenEventType, string> = {
  submitted: '已提交',
  routed: '分派办理机关',
  accepted: '已受理',
  rejected: '不予受理',
  transferred: '已转办',
  resolved: '已办结',
};
/** The word before an agency's note, for the steps that carry one. */
const noteWords: Partial<Record<CitizenEventType, string>> = { accepted: '备注', rejected: '理由', transferred: '理由', resolved: '结果' };

export const citizenViewSchema = z.object({
  reference: z.string(),
  kind: z.enum(['complaint', 'report']),
  status: z.enum(complaintStatuses),
  statusLabel: z.string(),
  agency: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  history: z.array(
    z.object({
      at: z.string(),
      type: z.enum(citizenEventTypes),
      /** The step in words, e.g. 分派至某某局办理. */
      label: z.string(),
      /** The agency's note with its lead word (理由：…), or null. */
      note: z.string().nullable(),
    }),
  ),
});
export type CitizenView = z.infer<typeof citizenViewSchema>;

export interface CitizenViewInput {
  complaint: { reference: string; kind: 'complaint' | 'report'; status: (typeof complaintStatuses)[number]; agencyId: string; createdAt: string };
  events: readonly { type: string; at: string; reason: string | null; agencyId?: string | undefined }[];
  agencyName(id: string): string;
}

const isCitizenEvent = (type: string): type is CitizenEventType => (citizenEventTypes as readonly string[]).includes(type);

export function citizenView(input: CitizenViewInput): CitizenView {
  const { complaint } = input;
  return {
    reference: complaint.reference,
    kind: complaint.kind,
    status: complaint.status,
    statusLabel: complaintStatusLabels[complaint.status],
    agency: { id: complaint.agencyId, name: input.agencyName(complaint.agencyId) },
    createdAt: complaint.createdAt,
    history: input.events.flatMap((e) => {
      if (!isCitizenEvent(e.type)) return [];
      const label = e.type === 'routed' && e.agencyId ? `分派至${input.agencyName(e.agencyId)}办理` : citizenEventLabels[e.type];
      const word = noteWords[e.type];
      return [{ at: e.at, type: e.type, label, note: word && e.reason ? `${word}：${e.reason}` : null }];
    }),
  };
}
