import { describe, expect, it } from 'vitest';
import { complaintStatuses } from '../../src/core/complaint/status.ts';
import { allowedActions, handlingActions, transition } from '../../functions/handling/state.ts';

const expected: Record<string, Record<string, string | null>> = {
  submitted: { accept: 'accepted', reject: 'rejected', transfer: 'transferred', resolve: null },
  transferred: { accept: 'accepted', reject: 'rejected', transfer: 'transferred', resolve: null },
  accepted: { accept: null, reject: null, transfer: 'transferred', resolve: 'resolved' },
  rejected: { accept: null, reject: null, transfer: null, resolve: null },
  resolved: { accept: null, reject: null, transfer: null, resolve: null },
};

describe('handling state machine', () => {
  for (const from of complaintStatuses) {
    for (const action of handlingActions) {
      const to = expected[from]![action];
      it(`${from} + ${action} → ${to ?? 'refused'}`, () => {
        const result = transition(from, action);
        if (to) {
          expect(result).toEqual({ ok: true, from, to });
          expect(allowedActions(from)).toContain(action);
        } else {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.message).toMatch(/不能/);
          expect(allowedActions(from)).not.toContain(action);
        }
      });
    }
  }

  it('explains a refusal with the current status and what is possible', () => {
    const result = transition('submitted', 'resolve');
    expect(result).toEqual({ ok: false, message: '该件当前状态为“已提交”，不能办结（当前可以：受理、不予受理、转办）。' });
    const final = transition('resolved', 'transfer');
    expect(final.ok === false && final.message).toBe('该件办理已结束（已办结），不能再转办。');
  });
});
