import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { coversAhead, makeCalendar, missingYears } from '../../src/core/policy/calendar.ts';
import {
  HOLIDAYS_NOT_COUNTED,
  HOLIDAYS_NOT_DEDUCTED,
  holidaysNotCovered,
  PLATFORM_LIMIT,
  timeLimitLabel,
  timeLimitSummary,
} from '../../src/core/policy/labels.ts';
import { loadCalendar, loadPolicy } from '../../src/import/policy/load.ts';
import { calendarWarning, loadPolicyView } from '../../src/import/policy/view.ts';
import { ContentError } from '../../src/core/friendly-errors.ts';
import { disclosureOf, leaversRetention } from '../../src/core/policy/disclosure.ts';

const dirs: string[] = [];
function contentDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gongshi-policy-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// The State Council's 2025 arrangement (国办发明电〔2024〕12号), copied from the notice: real data, not invented.
const YEAR_2025 = `years:
  - year: 2025
    source: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
    holidays: [2025-01-01, 2025-01-28, 2025-01-29, 2025-01-30, 2025-01-31, 2025-02-03, 2025-02-04, 2025-04-04, 2025-05-01, 2025-05-02, 2025-05-05, 2025-06-02, 2025-10-01, 2025-10-02, 2025-10-03, 2025-10-06, 2025-10-07, 2025-10-08]
    workdays: [2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11]
`;

describe('the deployment policy file', () => {
  it('is the shipped content/policy.yaml, with the defaults and no citation', async () => {
    const policy = await loadPolicy(join(import.meta.dirname, '../../content'));
    expect(policy.handling).toEqual({ acceptWorkingDays: 5, resolveDays: 60, remind: true, escalateAfterWorkingDays: 3, linkDaysAfterDeadline: 7 });
    expect(policy.complaintData).toEqual({ keepYearsAfterClosed: 3, keepYearsIfNeverClosed: 5, draftEvidenceHours: 2 });
  });

  it('means the defaults when absent; one section may be given alone', async () => {
    expect((await loadPolicy(contentDir({}))).handling.acceptWorkingDays).toBe(5);
    const policy = await loadPolicy(contentDir({ 'policy.yaml': 'handling:\n  resolveDays: 30\n' }));
    expect(policy.handling).toMatchObject({ acceptWorkingDays: 5, resolveDays: 30 });
    expect(policy.complaintData.keepYearsAfterClosed).toBe(3);
  });

  it('names the file and every wrong field in Chinese, and stops', async () => {
    const dir = contentDir({ 'policy.yaml': 'handling:\n  acceptWorkingDays: -2\n  resolvedays: 30\nretentoin: {}\n' });
    const error = (await loadPolicy(dir).catch((e: unknown) => e)) as ContentError;
    expect(error).toBeInstanceOf(ContentError);
    expect(error.where).toBe(join(dir, 'policy.yaml'));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'handling.acceptWorkingDays: handling.acceptWorkingDays 应为正整数（工作日数）',
        'handling: 未知字段 resolvedays',
        '(根): 未知字段 retentoin',
      ]),
    );
    await expect(loadPolicy(contentDir({ 'policy.yaml': 'handling: [\n' }))).rejects.toThrow(/policy\.yaml[\s\S]*YAML 格式错误/);
  });

  it('bounds a complaint never closed: complaintData.keepYearsIfNeverClosed, a positive number of years, not fewer than keepYearsAfterClosed', async () => {
    const data = async (yaml: string) => (await loadPolicy(contentDir({ 'policy.yaml': `complaintData:\n${yaml}` }))).complaintData;
    expect(await data('  keepYearsIfNeverClosed: 8\n')).toMatchObject({ keepYearsAfterClosed: 3, keepYearsIfNeverClosed: 8 });
    expect(await data('  keepYearsAfterClosed: 4\n  keepYearsIfNeverClosed: 4\n')).toMatchObject({ keepYearsAfterClosed: 4, keepYearsIfNeverClosed: 4 });
    // Left out: 5, or the period after closing when that is longer — raising that one alone never makes the file wrong.
    expect(await data('  keepYearsAfterClosed: 2\n')).toMatchObject({ keepYearsIfNeverClosed: 5 });
    expect(await data('  keepYearsAfterClosed: 7\n')).toMatchObject({ keepYearsIfNeverClosed: 7 });
    const problems = async (yaml: string) =>
      ((await loadPolicy(contentDir({ 'policy.yaml': `complaintData:\n${yaml}` })).catch((e: unknown) => e)) as ContentError).problems;
    const notPositive = 'complaintData.keepYearsIfNeverClosed: complaintData.keepYearsIfNeverClosed 应为正整数（年数）';
    for (const value of ['0', '-5', '2.5', '五年', 'true']) expect(await problems(`  keepYearsIfNeverClosed: ${value}\n`), value).toEqual([notPositive]);
    expect(await problems('  keepYearsIfNeverClosed: 2\n')).toEqual([
      'complaintData.keepYearsIfNeverClosed: complaintData.keepYearsIfNeverClosed（2 年）不能少于 complaintData.keepYearsAfterClosed（3 年）：未办结的投诉不应比提交当天就办结的投诉更早删除个人信息，请改为 3 或更大',
    ]);
    expect(await problems('  keepYearsAfterClosed: 6\n  keepYearsIfNeverClosed: 5\n')).toEqual([
      expect.stringMatching(/^complaintData\.keepYearsIfNeverClosed: .*（5 年）不能少于 complaintData\.keepYearsAfterClosed（6 年）.*请改为 6 或更大$/),
    ]);
    expect(await problems('  keepYearsIfNeverCloesd: 5\n')).toEqual([expect.stringContaining('complaintData: 未知字段 keepYearsIfNeverCloesd')]);
  });

  it('takes citation in every section, as the file’s header says — retention too (basis still read there)', async () => {
    for (const key of ['citation', 'basis']) {
      const policy = await loadPolicy(
        contentDir({ 'policy.yaml': `retention:\n  leaversYears: 3\n  ${key}: 某县司法局《公示管理规定》（某司发〔2026〕2号）\n` }),
      );
      expect(leaversRetention(policy)).toEqual({ years: 3, basis: '某县司法局《公示管理规定》（某司发〔2026〕2号）' });
      expect(disclosureOf(policy).retentionBasis).toBe('某县司法局《公示管理规定》（某司发〔2026〕2号）');
    }
  });

  it("labels deadlines as the platform's own unless a citation is set", async () => {
    const own = await loadPolicy(contentDir({}));
    expect(timeLimitLabel(own.handling, true)).toContain(PLATFORM_LIMIT);
    expect(timeLimitLabel(own.handling, true)).toContain('不是《办法》的规定');
    const cited = await loadPolicy(contentDir({ 'policy.yaml': 'handling:\n  citation: 示例市司法局《投诉办理时限规定》（示司发〔2026〕1号）\n' }));
    const label = timeLimitLabel(cited.handling, true);
    expect(label).toContain('示司发〔2026〕1号');
    expect(label).not.toContain(PLATFORM_LIMIT);
    expect(timeLimitSummary(cited.handling, false)).toContain(HOLIDAYS_NOT_COUNTED);
  });
});

describe('the holiday calendar', () => {
  it('needs a cited source for every year and keeps each date in its year', () => {
    expect(() => makeCalendar({ years: [{ year: 2025, holidays: ['2025-10-01'] }] }, 'holidays.yaml')).toThrow(/years\.0\.source: 缺少出处 source/);
    expect(() => makeCalendar({ years: [{ year: 2025, source: 'x', holidays: ['2026-01-01'] }] }, 'holidays.yaml')).toThrow(/2026-01-01 不在 2025 年内/);
    expect(() =>
      makeCalendar(
        {
          years: [
            { year: 2025, source: 'x' },
            { year: 2025, source: 'y' },
          ],
        },
        'holidays.yaml',
      ),
    ).toThrow(/2025 年重复/);
    // The old unsourced layout is refused with what to do.
    expect(() => makeCalendar({ holidays: ['2025-10-01'] }, 'holidays.yaml')).toThrow(/按年份写在 years 下，每年注明出处/);
  });

  it('covers the next 90 days only when every year they touch is in the file', async () => {
    const calendar = await loadCalendar(contentDir({ 'holidays.yaml': YEAR_2025 }));
    expect(calendar.sources.get(2025)).toContain('国办发明电〔2024〕12号');
    expect(coversAhead(calendar, new Date('2025-03-01T00:00:00+08:00'))).toBe(true);
    // 90 days after 2025-10-15 reach into 2026, which the file does not hold.
    expect(missingYears(calendar, new Date('2025-10-15T00:00:00+08:00'))).toEqual([2026]);
    expect(coversAhead(await loadCalendar(contentDir({})), new Date('2025-03-01T00:00:00+08:00'))).toBe(false);
  });

  it('makes the build warn and the deadline texts say holidays are not counted when not covered', async () => {
    const uncovered = await loadPolicyView(contentDir({ 'holidays.yaml': YEAR_2025 }), new Date('2025-12-01T00:00:00+08:00'));
    expect(calendarWarning(uncovered)).toMatch(/未覆盖 2026 年/);
    expect(uncovered.timeLimitSummary).toContain(holidaysNotCovered([2026]));
    const covered = await loadPolicyView(contentDir({ 'holidays.yaml': YEAR_2025 }), new Date('2025-03-01T00:00:00+08:00'));
    expect(calendarWarning(covered)).toBeUndefined();
    expect(covered.timeLimitSummary).not.toContain(HOLIDAYS_NOT_DEDUCTED);
    expect(covered.timeLimitSummary).toContain(PLATFORM_LIMIT);
    // The shipped sample invents no holidays, so it is never covered.
    const shipped = await loadPolicyView(join(import.meta.dirname, '../../content'));
    expect(shipped.calendar.sources.size).toBe(0);
    expect(shipped.holidaysCounted).toBe(false);
  });
});
