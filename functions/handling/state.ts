import { complaintStatusLabels, type ComplaintStatus } from '../../src/core/complaint/status.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';

/**
 * The handling state machine (pure). A transferred complaint waits at the receiving agency exactly as a
 * submitted one does (it may be accepted, rejected or transferred on); rejected and resolved are final.
 *
 *   submitted | transferred → accepted | rejected | transferred
 *   accepted                → resolved | transferred
 */
export const handlingActions = ['accept', 'reject', 'transfer', 'resolve'] as const;
export type HandlingAction = (typeof handlingActions)[number];

export const actionLabels: Record<HandlingAction, string> = {
  accept: '受理',
  reject: '不予受理',
  transfer: '转办',
  resolve: '办结',
};

const statusLabels = complaintStatusLabels;

const resultOf: Record<HandlingAction, ComplaintStatus> = {
  accept: 'accepted',
  reject: 'rejected',
  transfer: 'transferred',
  resolve: 'resolved',
};

const allowed: Record<ComplaintStatus, readonly HandlingAction[]> = {
  submitted: ['accept', 'reject', 'transfer'],
  transferred: ['accept', 'reject', 'transfer'],
  accepted: ['resolve', 'transfer'],
  rejected: [],
  resolved: [],
};

export function isHandlingAction(value: string): value is HandlingAction {
  return (handlingActions as readonly string[]).includes(value);
}

export function allowedActions(status: ComplaintStatus): readonly HandlingAction[] {
  return allowed[status];
}

export type Transition = { ok: true; from: ComplaintStatus; to: ComplaintStatus } | { ok: false; message: string };

export function transition(from: ComplaintStatus, action: HandlingAction): Transition {
  if (allowed[from].includes(action)) return { ok: true, from, to: resultOf[action] };
  if (from === 'rejected' || from === 'resolved') {
    return { ok: false, message: withHint(handlingErrors.Finished, statusLabels[from], actionLabels[action]) };
  }
  const possible = allowed[from].map((a) => actionLabels[a]).join('、');
  return { ok: false, message: withHint(handlingErrors.WrongState, statusLabels[from], actionLabels[action], possible) };
}
