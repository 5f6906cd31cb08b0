/**
 * Deadline to accept: the end (23:59:59 China time, UTC+8) of the Nth working day after submission.
 * Working days skip Saturdays and Sundays; public holidays are not modelled (see docs/COMPLAINTS.md).
 */
export function acceptDueAt(submittedAt: Date, workingDays: number): Date {
  const CHINA = 8 * 3600_000;
  const local = new Date(submittedAt.getTime() + CHINA);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  let left = workingDays;
  while (left > 0) {
    day += 24 * 3600_000;
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return new Date(day + 24 * 3600_000 - 1000 - CHINA);
}
