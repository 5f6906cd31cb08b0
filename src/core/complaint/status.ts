/** A complaint's handling statuses and the words every page, mail and the island use for them. */
export const complaintStatuses = ['submitted', 'accepted', 'rejected', 'transferred', 'resolved'] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];

export const complaintStatusLabels: Record<ComplaintStatus, string> = {
  submitted: '已提交',
  accepted: '已受理',
  rejected: '不予受理',
  transferred: '已转办',
  resolved: '已办结',
};
