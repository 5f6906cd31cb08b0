import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { baseColumns, csvCell, OPEN_DATA_TERMS, openDataColumnsFor, toCsv } from '../../src/build/opendata/index.ts';
import { buildPortal } from '../../src/build/portal/data.ts';
import { getSite } from '../../src/import/site.ts';
import { distDir, siteBuilt } from '../support/site.ts';

describe('open data CSV cells', () => {
  it('neutralizes formula-leading cells and tab/CR with a leading apostrophe, and quotes when needed', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('张三')).toBe('张三');
    expect(csvCell('RQCG-2024-0001')).toBe('RQCG-2024-0001');
    expect(csvCell(undefined)).toBe('');
  });

  it('starts with a BOM and a header of exactly the columns given', () => {
    const csv = toCsv([], baseColumns);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).trim().split(',')).toEqual([...baseColumns]);
  });
});

describe.skipIf(!siteBuilt())('built open data', () => {
  it('the home page says the open data holds the active staff, not the whole roster', async () => {
    const portal = buildPortal(await getSite());
    const active = portal.auxiliaries.filter((a) => a.status === 'active').length;
    const home = readFileSync(join(distDir, 'index.html'), 'utf8').replace(/<!--.*?-->/g, '');
    expect(home).toContain(`在岗有效的 ${active} 名可在<a href="/data/">开放数据</a>下载`);
    expect(home).not.toContain('全部名单');
    expect(parse(readFileSync(join(distDir, 'data', 'all.csv'), 'utf8'), { bom: true, columns: true })).toHaveLength(active);
  });

  it('all.csv and all.json hold exactly the active staff, field for field, and state their terms', async () => {
    const portal = buildPortal(await getSite());
    const openDataColumns = openDataColumnsFor(portal.site.disclosure);
    const expected = portal.auxiliaries
      .filter((a) => a.status === 'active')
      .map((a) =>
        Object.fromEntries(
          openDataColumns.map((c) => [c, c === 'agencyName' ? portal.agencyById.get(a.agencyId)!.name : a[c]]).filter(([, v]) => v !== undefined),
        ),
      );
    expect(expected.length).toBeGreaterThan(500);
    expect(expected.length).toBeLessThan(portal.auxiliaries.length);
    const bytes = readFileSync(join(distDir, 'data', 'all.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...openDataColumns]);
    const strip = (r: Record<string, string | undefined>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '' && v !== undefined));
    expect(rows.map(strip)).toEqual(expect.arrayContaining(expected.map((e) => strip(e))));
    expect(rows).toHaveLength(expected.length);

    const json = JSON.parse(readFileSync(join(distDir, 'data', 'all.json'), 'utf8'));
    expect(json.fields).toEqual([...openDataColumns]);
    expect(json.terms).toBe(OPEN_DATA_TERMS);
    expect(new Set(json.records.map((r: { status: string }) => r.status))).toEqual(new Set(['active']));
    expect(readFileSync(join(distDir, 'data', 'index.html'), 'utf8')).toContain(OPEN_DATA_TERMS);
    expect(json.records).toHaveLength(expected.length);
    for (const record of json.records) for (const key of Object.keys(record)) expect(openDataColumns).toContain(key);
    expect(json.records).toEqual(expect.arrayContaining(expected));
  });

  it('each agency with a roster has its own CSV and JSON with only its people', async () => {
    const portal = buildPortal(await getSite());
    const agencyIds = [...new Set(portal.auxiliaries.map((a) => a.agencyId))];
    for (const id of agencyIds) {
      const json = JSON.parse(readFileSync(join(distDir, 'data', 'agencies', `${id}.json`), 'utf8'));
      const mine = portal.auxiliaries.filter((a) => a.agencyId === id && a.status === 'active');
      expect(json.records.map((r: { certificateNo: string }) => r.certificateNo).sort()).toEqual(mine.map((a) => a.certificateNo).sort());
      const csv = readFileSync(join(distDir, 'data', 'agencies', `${id}.csv`), 'utf8');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect((parse(csv.slice(1), { columns: true }) as unknown[]).length).toBe(mine.length);
    }
  });
});
