import { describe, expect, it } from 'vitest';
import { cleanText, normalizeName, parseCertificateNo, parseDate, parseEmployment, parseStatus, STATUS_WORDS_HINT } from '../../src/import/roster/normalize.ts';
import { headerKey, matchHeaders } from '../../src/import/roster/headers.ts';
import { asOfFromFileName } from '../../src/import/roster/index.ts';
import { columnLetter, formatProblem } from '../../src/import/roster/problems.ts';

describe('normalizeName', () => {
  it('drops stray spaces inside Chinese names and trims', () => {
    expect(normalizeName('  张 三 ')).toBe('张三');
    expect(normalizeName('欧阳\u3000娜娜')).toBe('欧阳娜娜');
  });
  it('keeps · in minority names and unifies look-alike separators', () => {
    expect(normalizeName('买买提·艾力')).toBe('买买提·艾力');
    expect(normalizeName('买买提 • 艾力')).toBe('买买提·艾力');
    expect(normalizeName('阿依古丽・吐尔逊')).toBe('阿依古丽·吐尔逊');
    expect(normalizeName('阿依古丽．吐尔逊')).toBe('阿依古丽·吐尔逊');
    expect(normalizeName('阿依古丽.吐尔逊')).toBe('阿依古丽·吐尔逊');
  });
  it('keeps one space between Latin words', () => {
    expect(normalizeName('John   Smith')).toBe('John Smith');
  });
});

describe('parseCertificateNo', () => {
  it('normalizes full-width, case and spaces', () => {
    expect(parseCertificateNo(' ｒｑ－ｃｇ－０００１ ')).toEqual({ ok: true, value: 'RQ-CG-0001' });
    expect(parseCertificateNo('rq cg 12')).toEqual({ ok: true, value: 'RQCG12' });
  });
  it('refuses empty, over-long and unsafe numbers', () => {
    expect(parseCertificateNo('  ')).toEqual({ ok: false, reason: '证件编号为空：请照证件填上编号；还没有证件的人员不列入名单' });
    expect(parseCertificateNo('A'.repeat(41)).ok).toBe(false);
    expect(parseCertificateNo('=1+1').ok).toBe(false);
    expect(parseCertificateNo('../x').ok).toBe(false);
    expect(parseCertificateNo('RQ-').ok).toBe(false);
  });
  it('recognizes Excel\'s ="…" text wrapper without evaluating it', () => {
    expect(parseCertificateNo('="00123"')).toEqual({ ok: false, reason: '证件编号写成了 Excel 的 ="…" 形式（公式不会被计算）：请去掉等号和引号，只留编号' });
  });
  it('recognizes a number Excel turned into scientific notation', () => {
    expect(parseCertificateNo('1.30982E+17')).toEqual({
      ok: false,
      reason: '证件编号被 Excel 写成了科学计数法，原号码已经丢失：请把该列设为“文本”、重新填入编号后再导出',
    });
  });
});

describe('parseDate', () => {
  it.each([
    ['2021-12-01', '2021-12-01'],
    ['2021/12/1', '2021-12-01'],
    ['2021.12.1', '2021-12-01'],
    ['2021年12月1日', '2021-12-01'],
    ['２０２１年１２月１日', '2021-12-01'],
    ['20211201', '2021-12-01'],
    ['2021-12-01 00:00:00', '2021-12-01'],
    ['44531', '2021-12-01'],
  ])('%s → %s', (input, iso) => {
    expect(parseDate(input)).toEqual({ ok: true, value: iso });
  });
  it('reads Excel serial numbers and Date cells', () => {
    expect(parseDate(44531)).toEqual({ ok: true, value: '2021-12-01' });
    expect(parseDate(43069, true)).toEqual({ ok: true, value: '2021-12-01' });
    expect(parseDate(new Date(Date.UTC(2021, 11, 1)))).toEqual({ ok: true, value: '2021-12-01' });
  });
  it('gives undefined for an empty cell', () => {
    expect(parseDate('  ')).toEqual({ ok: true, value: undefined });
  });
  it('refuses dates that do not exist and unknown forms', () => {
    expect(parseDate('2021-02-30')).toEqual({ ok: false, reason: '日期不存在（月份或日期超出范围）：请核对月份和日期' });
    expect(parseDate('2021/13/1').ok).toBe(false);
    expect(parseDate('明年').ok).toBe(false);
    expect(parseDate('12').ok).toBe(false);
    expect(parseDate(12).ok).toBe(false);
  });
});

describe('status and employment words', () => {
  it.each([
    ['在岗', 'active'],
    ['有效', 'active'],
    ['正常', 'active'],
    ['', 'active'],
    ['暂停', 'suspended'],
    ['停用', 'suspended'],
    ['收回', 'revoked'],
    ['注销', 'cancelled'],
    ['吊销', 'revoked'],
    ['作废', 'cancelled'],
    ['离职', 'left'],
    ['离岗', 'left'],
    ['辞退', 'left'],
    ['解聘', 'left'],
    [' 离 职 ', 'left'],
  ])('%s → %s', (word, status) => {
    expect(parseStatus(word)).toEqual({ ok: true, value: status });
  });
  it('lists the accepted words for an unknown status', () => {
    expect(parseStatus('休假')).toEqual({
      ok: false,
      reason: `无法识别的状态。可用：${STATUS_WORDS_HINT}`,
    });
  });
  it('reads employment words', () => {
    for (const w of ['直接招用', '单位聘用', '聘用', '直招']) expect(parseEmployment(w)).toEqual({ ok: true, value: 'direct' });
    for (const w of ['劳务派遣', '派遣']) expect(parseEmployment(w)).toEqual({ ok: true, value: 'dispatch' });
    expect(parseEmployment('')).toEqual({ ok: true, value: undefined });
    expect(parseEmployment('外包').ok).toBe(false);
  });
});

describe('headers', () => {
  it('matches aliases after full-width and whitespace folding, and drops everything else', () => {
    const m = matchHeaders(['序号', ' 姓 名 ', '工作单位', '辅助行政执法\n证件编号', '身份证号', '联系电话', '', '岗位类别']);
    expect([...m.columns].map(([f, c]) => [f, c.label])).toEqual([
      ['name', 'B 列「姓 名」'],
      ['agency', 'C 列「工作单位」'],
      ['certificateNo', 'D 列「辅助行政执法 证件编号」'],
      ['post', 'H 列「岗位类别」'],
    ]);
    expect(m.dropped).toEqual(['序号', '身份证号', '联系电话']);
    expect(headerKey('证件编号　')).toBe('证件编号');
  });
  it('lets the mapping file add headers', () => {
    const m = matchHeaders(['执法辅助证号', '姓名'], { 执法辅助证号: 'certificateNo' });
    expect(m.columns.get('certificateNo')?.index).toBe(0);
  });
});

describe('small helpers', () => {
  it('column letters as Excel shows them', () => {
    expect([0, 2, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'C', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
  it('roster date from the file name', () => {
    expect(asOfFromFileName('rosters/x/城管局-2026-11-01.csv')).toBe('2026-11-01');
    expect(asOfFromFileName('rosters/城管局20261101.xlsx')).toBe('2026-11-01');
    expect(asOfFromFileName('rosters/2026-11/城管局.csv')).toBeUndefined();
    expect(asOfFromFileName('rosters/城管局-2026-13-01.csv')).toBeUndefined();
  });
  it('formats a problem with only the parts it has', () => {
    expect(formatProblem({ file: 'rosters/a.csv', reason: '文件为空：请在 Excel 或 WPS 中打开原表，确认有内容后重新导出' })).toBe(
      'rosters/a.csv：文件为空：请在 Excel 或 WPS 中打开原表，确认有内容后重新导出',
    );
    expect(formatProblem({ file: 'a.csv', row: 3, column: 'C 列「证件编号」', value: 'x\ny', reason: 'r' })).toBe(
      'a.csv 第 3 行，C 列「证件编号」，值「x↵y」：r',
    );
  });
  it('cleanText collapses whitespace', () => {
    expect(cleanText('  协助\r\n宣传  ')).toBe('协助 宣传');
  });
});
