/**
 * Dashes that Word's and WPS's autocorrect put into a number (en and em dash, hyphen, non-breaking hyphen, figure
 * dash, minus sign, small hyphen-minus, full-width hyphen-minus) are `-` in a certificate number: a roster written
 * with them is published with `-`, and a citizen who types or pastes them finds the person, at the number's page
 * (`/verify/<number>/`, normalizeCertificateNo) and through the lookup key the lookup box and functions use.
 */
import { describe, expect, it } from 'vitest';
import { buildDirectory } from '../../src/core/directory.ts';
import { certificateLookupKey, normalizeCertificateNo } from '../../src/core/text.ts';
import { formatProblem } from '../../src/import/roster/index.ts';
import { csv, HEADER, importFiles, testRegistry } from '../roster/support.ts';

const DASHES = ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D'];

describe('look-alike dashes in certificate numbers', () => {
  it.each(DASHES.map((dash) => [dash.codePointAt(0)!.toString(16).toUpperCase(), dash]))('U+%s is "-" in the normal form and the lookup key', (_, dash) => {
    expect(normalizeCertificateNo(`rqjt${dash}2026${dash}0907`)).toBe('RQJT-2026-0907');
    expect(certificateLookupKey(`RQJT${dash}2026${dash}0907`)).toBe(certificateLookupKey('RQJT-2026-0907'));
  });

  it('a roster written with them is published with "-", found when typed with any of them, and a duplicate of the "-" form', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([HEADER, ['张三', 'rq-cgj', 'RQJT\u20132026\u20130907', '', '']]),
    });
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQJT-2026-0907']);
    const directory = buildDirectory({ agencies: testRegistry().agencies, regulations: [], auxiliaries: r.auxiliaries });
    for (const dash of ['-', ...DASHES]) {
      expect(directory.auxiliary(`rqjt${dash}2026${dash}0907`)?.name).toBe('张三');
      expect(normalizeCertificateNo(`RQJT${dash}2026${dash}0907`)).toBe(r.auxiliaries[0]!.certificateNo);
    }

    const twice = await importFiles({
      'rosters/a-2026-11-01.csv': csv([HEADER, ['张三', 'rq-cgj', 'RQJT-2026-0907', '', ''], ['李四', 'rq-cgj', 'RQJT\u20142026\u20140907', '', '']]),
    });
    expect(twice.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.csv 第 3 行，C 列「证件编号」，值「RQJT-2026-0907」：证件编号重复：与 rosters/a-2026-11-01.csv 第 2 行相同：同一人只保留一行；不是同一人的，请核对证件编号',
    ]);
  });
});
