import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, openDataColumns, toCsv } from '../../src/build/opendata/index.ts';
import { publishedFields } from '../../src/core/roster/schema.ts';
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

  it('starts with a BOM and a header of exactly the published fields plus the agency name', () => {
    const csv = toCsv([]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).trim().split(',')).toEqual([...publishedFields, 'agencyName']);
  });
});

describe.skipIf(!siteBuilt())('built open data', () => {
  it('all.csv and all.json hold exactly the published roster, field for field', async () => {
    const site = await getSite();
    const expected = site.roster.auxiliaries.map((a) => ({ ...a, agencyName: site.registry.byId.get(a.agencyId)!.name }));
    const bytes = readFileSync(join(distDir, 'data', 'all.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...openDataColumns]);
    const strip = (r: Record<string, string | undefined>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '' && v !== undefined));
    expect(rows.map(strip)).toEqual(expect.arrayContaining(expected.map((e) => strip(e))));
    expect(rows).toHaveLength(expected.length);

    const json = JSON.parse(readFileSync(join(distDir, 'data', 'all.json'), 'utf8'));
    expect(json.fields).toEqual([...openDataColumns]);
    expect(json.records).toHaveLength(expected.length);
    for (const record of json.records) for (const key of Object.keys(record)) expect(openDataColumns).toContain(key);
    expect(json.records).toEqual(expect.arrayContaining(expected));
  });

  it('each agency with a roster has its own CSV and JSON with only its people', async () => {
    const site = await getSite();
    const agencyIds = [...new Set(site.roster.auxiliaries.map((a) => a.agencyId))];
    for (const id of agencyIds) {
      const json = JSON.parse(readFileSync(join(distDir, 'data', 'agencies', `${id}.json`), 'utf8'));
      const mine = site.roster.auxiliaries.filter((a) => a.agencyId === id);
      expect(json.records.map((r: { certificateNo: string }) => r.certificateNo).sort()).toEqual(mine.map((a) => a.certificateNo).sort());
      const csv = readFileSync(join(distDir, 'data', 'agencies', `${id}.csv`), 'utf8');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect((parse(csv.slice(1), { columns: true }) as unknown[]).length).toBe(mine.length);
    }
  });
});
