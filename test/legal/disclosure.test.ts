/**
 * Minimal disclosure, output by output: with the default policy none of the optional fields reaches any output the
 * build writes from roster data (verification pages, agency roster, number index, name and part indexes, search records, open data); with
 * each switch on, exactly that field does; photos only of active staff with consent; names withheld after the
 * retention period. Rendered with the build's own functions from a real content folder; the build itself is
 * checked in site.test.ts.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataFile } from '../../src/build/opendata/files.ts';
import { openDataColumnsFor } from '../../src/build/opendata/index.ts';
import { buildPortal, type Portal } from '../../src/build/portal/data.ts';
import { verifyPageHtml } from '../../src/build/portal/verify-html.ts';
import { searchRecords } from '../../src/build/search/records.ts';
import { nameIndexShards } from '../../src/build/search/name-index.ts';
import { partIndexShards } from '../../src/build/search/part-index.ts';
import { ContentError } from '../../src/core/friendly-errors.ts';
import { loadPolicy, parsePolicy } from '../../src/import/policy/load.ts';
import { loadSite } from '../../src/import/site.ts';
import { makeContent, MARK, PEOPLE, policyWith } from './content.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function portalWith(policy?: string): Promise<Portal> {
  const dir = makeContent(policy);
  dirs.push(dir);
  return buildPortal(await loadSite(dir));
}

/** Every text the build writes from roster data, one string per output. */
function outputs(portal: Portal): Record<string, string> {
  const out: Record<string, string> = {};
  for (const aux of portal.auxiliaries) {
    const agency = portal.agencyById.get(aux.agencyId)!;
    out[`verify/${aux.certificateNo}`] = verifyPageHtml(aux, agency, portal.regulationOf(agency), portal.asOf(agency.id));
  }
  out['lookup shards'] = JSON.stringify([...portal.lookupShards.shards.values()]);
  out['search records'] = JSON.stringify([...searchRecords(portal)]);
  out['name index'] = JSON.stringify(nameIndexShards(portal));
  out['part index'] = JSON.stringify([...partIndexShards(portal)]);
  for (const format of ['csv', 'json'] as const) {
    out[`data/all.${format}`] = openDataFile(portal, undefined, format);
    out[`data/agencies/renqiu-cgj.${format}`] = openDataFile(portal, 'renqiu-cgj', format);
  }
  return out;
}

/** Which fields show up anywhere in the outputs, by their markers. */
function fieldsSeen(all: Record<string, string>): Set<string> {
  const text = Object.values(all).join('\n');
  const seen = new Set<string>();
  if (text.includes(MARK.post)) seen.add('post');
  if (text.includes(MARK.dispatcher)) seen.add('dispatcher');
  if (/<dt>用工方式<\/dt>|"employment"|,employment\b|劳务派遣<\/dd>/.test(text)) seen.add('employment');
  if (/photo\.png|"photo"|,photo\b/.test(text)) seen.add('photo');
  return seen;
}

describe('what the site publishes, switch by switch', () => {
  it('with the default policy (no policy file at all): only name, unit, number, status with its date and validity', async () => {
    const portal = await portalWith(undefined);
    expect(portal.site.disclosure.published.size).toBe(0);
    expect(portal.site.disclosure.retentionYears).toBe(2);
    const all = outputs(portal);
    expect(fieldsSeen(all)).toEqual(new Set());
    const page = all[`verify/${PEOPLE.activeConsent.no}`]!;
    expect(page).toContain(PEOPLE.activeConsent.name);
    expect(page).toContain('renqiu-cgj');
    expect(page).toContain('有效期至');
    // Open data carries exactly these columns: the law's three, the status with its date and the validity (issue
    // and expiry dates, the platform's policy), and the unit's name beside its id. A field added later must be a switch.
    expect(openDataColumnsFor(portal.site.disclosure)).toEqual([
      'certificateNo',
      'name',
      'agencyId',
      'agencyName',
      'status',
      'statusSince',
      'issuedOn',
      'validUntil',
    ]);
  });

  it('an explicit file with every switch off publishes the same', async () => {
    expect(fieldsSeen(outputs(await portalWith(policyWith([]))))).toEqual(new Set());
  });

  it.each(['post', 'employment', 'dispatcher', 'photo'])('with only %s switched on, exactly that field appears', async (field) => {
    const portal = await portalWith(policyWith([field]));
    expect([...portal.site.disclosure.published]).toEqual([[field, '测试依据第1号']]);
    expect(fieldsSeen(outputs(portal))).toEqual(new Set([field]));
  });

  it('publishes a photo only of active staff whose row says 照片公开同意 是', async () => {
    const portal = await portalWith(policyWith(['photo']));
    const withPhoto = portal.auxiliaries.filter((a) => a.photo).map((a) => a.certificateNo);
    expect(withPhoto).toEqual([PEOPLE.activeConsent.no]);
    // The expired one and the one who left consented too: neither is active.
    expect(portal.byNo.get(PEOPLE.expired.no)!.status).toBe('expired');
    expect(portal.byNo.get(PEOPLE.leftRecently.no)!.photo).toBeUndefined();
  });

  it('after the retention period no name is shown anywhere; within it, the name stays', async () => {
    const portal = await portalWith(undefined);
    const all = Object.values(outputs(portal)).join('\n');
    for (const p of [PEOPLE.leftLongAgo, PEOPLE.revokedLongAgo]) {
      expect(portal.byNo.get(p.no)!.name).toBeUndefined();
      expect(all).not.toContain(p.name);
      // The number still verifies, as not valid.
      expect(all).toContain(p.no);
    }
    expect(all).toContain(PEOPLE.leftRecently.name);
    expect(all).toContain(PEOPLE.cancelled.name);
  });

  it('a longer retention period keeps a name the default would withhold', async () => {
    const portal = await portalWith(policyWith([], 'retention:\n  leaversYears: 10\n'));
    expect(portal.byNo.get(PEOPLE.leftLongAgo.no)!.name).toBe(PEOPLE.leftLongAgo.name);
  });

  it('open data holds active staff only', async () => {
    const json = JSON.parse(openDataFile(await portalWith(undefined), undefined, 'json'));
    expect(json.records.map((r: { certificateNo: string }) => r.certificateNo).sort()).toEqual([PEOPLE.activeConsent.no, PEOPLE.activeNoConsent.no]);
    expect(json.terms).toContain('不得用于');
  });

  it('refuses a switch turned on without its basis, naming the field, and an unknown field', async () => {
    expect(() => parsePolicy({ disclosure: { publish: { post: { enabled: true } } } }, 'policy.yaml')).toThrow(ContentError);
    let error: unknown;
    try {
      parsePolicy(
        { disclosure: { publish: { post: { enabled: true }, idNumber: { enabled: true, basis: 'x' } } }, retention: { leaversYears: 0 } },
        'policy.yaml',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).problems).toEqual(
      expect.arrayContaining([
        'disclosure.publish.post.basis: 打开公开（enabled: true）时必须写明依据 basis',
        expect.stringMatching(/^disclosure\.publish: .*idNumber/),
        'retention.leaversYears: leaversYears 应为正整数（年）',
      ]),
    );
    const dir = makeContent('disclosure: [未闭合\n');
    dirs.push(dir);
    await expect(loadPolicy(dir)).rejects.toThrow(/YAML 格式错误/);
  });
});
