import { z } from 'zod';

/** A calendar date as `YYYY-MM-DD` that really exists (no 2021-02-30). */
export const isoDate = z.string().refine(isRealIsoDate, { message: '日期应为 YYYY-MM-DD 格式的有效日期' });

export function isRealIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const beijingParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The one date-time style of the site, mails and island, in Beijing time: 2026年11月30日 09:05. */
export function formatDateTime(iso: string | Date): string {
  const parts = Object.fromEntries(beijingParts.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

/** `date` (YYYY-MM-DD) plus whole years (29 February → 28 February in a common year). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** The date (YYYY-MM-DD) of an instant in China Standard Time. */
export function shanghaiDateOf(at: string | Date): string {
  return new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
