import { z } from 'zod';
import { formatDateTime } from '../dates.ts';
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
  /**
   * Present once the retention purge removed the complaint's personal information (policy.yaml `complaintData`):
   * when, and in words why — closed that many years ago, or never closed that many years after filing.
   */
  purged: z.object({ at: z.string(), note: z.string() }).optional(),
});
export type CitizenView = z.infer<typeof citizenViewSchema>;

export interface CitizenViewInput {
  complaint: { reference: string; kind: 'complaint' | 'report'; status: (typeof complaintStatuses)[number]; agencyId: string; createdAt: string };
  events: readonly { type: string; at: string; reason: string | null; agencyId?: string | undefined }[];
  agencyName(id: string): string;
  /** When the purge ran (`complaints.purged_at`) and whose rule the retention periods are (complaintDataBasis). */
  purged?: { at: string; basis: string } | undefined;
}

const isCitizenEvent = (type: string): type is CitizenEventType => (citizenEventTypes as readonly string[]).includes(type);

/** Whole years from `from` to `to` (a 29 February counts as reached on 1 March). */
function fullYears(from: string, to: string): number {
  const start = new Date(from);
  const end = new Date(to);
  let years = end.getUTCFullYear() - start.getUTCFullYear();
  const reached = new Date(start);
  reached.setUTCFullYear(start.getUTCFullYear() + years);
  if (reached > end) years--;
  return years;
}

/**
 * What the status page says of a purged complaint: that its personal information was removed, when, under which
 * rule (closed N years, or still open N years after filing — the years counted from the records, so the sentence stays
 * true if the policy changes later) and whose rule that is.
 */
export function purgedNote(input: CitizenViewInput, purged: { at: string; basis: string }): string {
  const { complaint } = input;
  const closing = complaint.status === 'resolved' || complaint.status === 'rejected';
  const closedAt = input.events.filter((e) => e.type === complaint.status).at(-1)?.at;
  const why = closing
    ? `该件${complaint.status === 'resolved' ? '办结' : '不予受理'}已满 ${fullYears(closedAt ?? complaint.createdAt, purged.at)} 年。`
    : `该件自提交之日起满 ${fullYears(complaint.createdAt, purged.at)} 年仍未办结。`;
  const what = `按个人信息保存期限，本平台已于 ${formatDateTime(purged.at)} 删除该件中的个人信息：您的姓名、电话、电子邮箱，投诉内容，证据材料和平台保存的邮件；办理记录保留。`;
  const open = closing ? '' : '该件不能再通过本平台办理；问题仍未解决的，可以重新投诉。';
  return `${why}${what}${open}（${purged.basis}。）`;
}

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
    ...(input.purged ? { purged: { at: input.purged.at, note: purgedNote(input, input.purged) } } : {}),
  };
}
