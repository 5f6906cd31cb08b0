import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCalendarDays, addWorkingDays, isWorkingDay, localDate, makeCalendar } from '../../functions/deadlines/calendar.ts';
import { loadHolidays } from '../../src/import/holidays/load.ts';

/** holidays.yaml as the build reads it and the functions' calendar made from it. */
const loadCalendar = async (dir: string) => makeCalendar(await loadHolidays(dir));
import { acceptDueAt, escalationAt, resolveDueAt } from '../../functions/deadlines/policy.ts';

// 2026-11-20 is a Friday. Instants are given in China Standard Time (+08:00).
const cst = (s: string) => new Date(`${s}+08:00`);

describe('working days (weekends skipped, China time)', () => {
  it('knows weekdays from weekends', () => {
    expect(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'].map((d) => isWorkingDay(d))).toEqual([true, false, false, true]);
  });

  it('counts from the day after submission and ends at midnight local time', () => {
    const due = addWorkingDays(cst('2026-11-20T15:00:00'), 1);
    expect(due.toISOString()).toBe('2026-11-23T15:59:59.999Z'); // Monday 23:59:59.999 CST
    expect(localDate(due)).toBe('2026-11-23');
  });

  it('skips a weekend inside the span: Friday + 5 working days = next Friday', () => {
    expect(localDate(addWorkingDays(cst('2026-11-20T09:00:00'), 5))).toBe('2026-11-27');
  });

  it('a complaint filed on Saturday or Sunday gets the full week', () => {
    expect(localDate(addWorkingDays(cst('2026-11-21T10:00:00'), 5))).toBe('2026-11-27');
    expect(localDate(addWorkingDays(cst('2026-11-22T23:30:00'), 5))).toBe('2026-11-27');
  });

  it('uses the local date, not UTC: Sunday 01:00 CST is still Saturday in UTC', () => {
    const sundayEarly = cst('2026-11-22T01:00:00');
    expect(sundayEarly.getUTCDay()).toBe(6);
    expect(localDate(sundayEarly)).toBe('2026-11-22');
    expect(localDate(addWorkingDays(sundayEarly, 1))).toBe('2026-11-23');
  });

  it('spans several weekends: 10 working days from Wednesday', () => {
    expect(localDate(addWorkingDays(cst('2026-11-18T12:00:00'), 10))).toBe('2026-12-02');
  });

  it('honours public holidays and make-up working weekends from data', () => {
    const calendar = makeCalendar({
      years: [{ year: 2026, source: '测试用日历（非真实安排）', holidays: ['2026-11-23', '2026-11-24'], workdays: ['2026-11-22'] }],
    });
    // Friday → Sun 22 (make-up day) counts, Mon/Tue are holidays, then Wed.
    expect(localDate(addWorkingDays(cst('2026-11-20T09:00:00'), 2, calendar), calendar)).toBe('2026-11-25');
  });

  it('answers each calendar from its own days: a counted due date is not reused for a calendar with other holidays', () => {
    const from = cst('2026-11-20T09:00:00');
    const plain = makeCalendar({ years: [{ year: 2026, source: '测试用日历（非真实安排）', holidays: [] }] });
    const withHoliday = makeCalendar({ years: [{ year: 2026, source: '测试用日历（非真实安排）', holidays: ['2026-11-23'] }] });
    // The same question, asked twice of each (the second time from what was counted), in turn.
    for (let round = 0; round < 2; round++) {
      expect(localDate(addWorkingDays(from, 1, plain), plain)).toBe('2026-11-23');
      expect(localDate(addWorkingDays(from, 1, withHoliday), withHoliday)).toBe('2026-11-24');
      expect(localDate(addWorkingDays(from, 1))).toBe('2026-11-23');
    }
  });

  it('refuses a broken holidays file with the file and the field named', () => {
    expect(() => makeCalendar({ years: [{ year: 2026, source: '测试', holidays: ['2026-02-30'] }] }, 'content/holidays.yaml')).toThrow(
      /content\/holidays\.yaml[\s\S]*years\.0\.holidays\.0/,
    );
  });

  it('resolve deadline counts calendar days from acceptance', () => {
    expect(localDate(addCalendarDays(cst('2026-11-20T18:00:00'), 60))).toBe('2027-01-19');
    expect(localDate(resolveDueAt(cst('2026-11-20T18:00:00'), { acceptWorkingDays: 5, resolveDays: 60, escalateAfterWorkingDays: 3 }))).toBe('2027-01-19');
  });

  it('accept deadline and escalation follow the policy', () => {
    const due = acceptDueAt(cst('2026-11-20T09:00:00'), { acceptWorkingDays: 5, resolveDays: 60, escalateAfterWorkingDays: 3 });
    expect(localDate(due)).toBe('2026-11-27');
    expect(localDate(escalationAt(due))).toBe('2026-12-02'); // 3 more working days: Mon 30, Tue 1, Wed 2
  });

  it('rejects negative spans', () => {
    expect(() => addWorkingDays(new Date(), -1)).toThrow(/non-negative integer/);
  });

  it('reads holidays.yaml from the content folder; absent means weekends only; a broken one names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongshi-e-cal-'));
    expect((await loadCalendar(dir)).holidays.size).toBe(0);
    writeFileSync(
      join(dir, 'holidays.yaml'),
      'years:\n  - year: 2026\n    source: 测试用日历\n    holidays: [2026-10-01, 2026-10-02]\n    workdays: [2026-10-10]\n',
    );
    const calendar = await loadCalendar(dir);
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
    writeFileSync(join(dir, 'holidays.yaml'), 'years:\n  - year: 2026\n    source: 测试\n    holidays: [yesterday]\n');
    await expect(loadCalendar(dir)).rejects.toThrow(/holidays\.yaml[\s\S]*years\.0\.holidays\.0/);
    writeFileSync(join(dir, 'holidays.yaml'), 'holidays: [2026-10-01\n');
    await expect(loadCalendar(dir)).rejects.toThrow(/YAML 格式错误/);
    rmSync(dir, { recursive: true, force: true });
  });
});
