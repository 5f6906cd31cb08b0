/**
 * A number pasted into a roster with a small or full-width dash form or an invisible character is the number
 * without it (normalizeCertificateNo), so the importer's checks still see it for what it is: the same number twice
 * is a duplicate, and two numbers differing only in separators (one lookup key, certificateLookupKey) are refused —
 * the build's number index and the directory file never hold two numbers with one key.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/import/roster/index.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { csv, HEADER, importFiles } from '../roster/support.ts';

describe('roster numbers with dash forms and invisible characters', () => {
  it('are refused as duplicates, or as differing only in separators, of the number they spell', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([HEADER, ['张三', 'rq-cgj', 'RQ-0001', '', ''], ['李四', 'rq-cgj', 'RQ-0002', '', '']]),
      'rosters/b-2026-11-01.csv': csv([
        HEADER,
        ['王五', 'rq-scjg', 'RQ\ufe630001', '', ''],
        ['赵六', 'rq-scjg', 'RQ\u200b.0002', '', ''],
        ['钱七', 'rq-scjg', 'R\u00adQ\u2060-0003\ufeff', '', ''],
      ]),
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/b-2026-11-01.csv 第 2 行，C 列「证件编号」，值「RQ-0001」：证件编号重复：与 rosters/a-2026-11-01.csv 第 2 行相同：同一人只保留一行；不是同一人的，请核对证件编号',
      'rosters/b-2026-11-01.csv 第 3 行，C 列「证件编号」，值「RQ.0002」：证件编号与 rosters/a-2026-11-01.csv 第 3 行的「RQ-0002」只差分隔符，查询时无法区分：请照证件核对这两个编号，改正写错的一个',
    ]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQ-0001', 'RQ-0002', 'RQ-0003']);
    const keys = r.auxiliaries.map((a) => certificateLookupKey(a.certificateNo));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
