import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { buildDirectory } from '../../src/core/directory.ts';
import { isGovernment, isRefusal, regionsOf, routeComplaint, subordinatesOf } from '../../functions/complaints/route.ts';

// The shipped registry: two jurisdictions, a city with districts, governments with and without a parent.
const content = join(import.meta.dirname, '../../content');
const regulations = await loadRegulations(content);
const registry = await loadRegistry(content, new Set(regulations.keys()));
const directory = buildDirectory({ agencies: registry.agencies, regulations, auxiliaries: [] });

describe('routing against the shipped registry', () => {
  it('never sends a complaint about a body to itself or to any body below it', () => {
    for (const agency of directory.agencies) {
      const route = routeComplaint({ about: 'agency', agencyId: agency.id }, directory);
      if (isRefusal(route)) continue;
      expect(subordinatesOf(agency.id, directory).has(route.agencyId), `${agency.name} → ${route.agencyId}`).toBe(false);
    }
  });

  it("refuses a complaint about a people's government with no superior, with where to turn and why", () => {
    const route = routeComplaint({ about: 'agency', agencyId: 'renqiu-gov' }, directory);
    expect(isRefusal(route)).toBe(true);
    if (!isRefusal(route)) return;
    expect(route.guidance).toContain('任丘市人民政府');
    expect(route.guidance).toMatch(/上一级人民政府/);
    expect(route.guidance).toMatch(/下级部门无权监督/);
    // Before: the region's justice bureau, a department of the accused government.
    expect(route.guidance).not.toContain('任丘市司法局');
  });

  it('sends a complaint about a district government to the city government above it', () => {
    expect(routeComplaint({ about: 'agency', agencyId: 'luan-jinan-gov' }, directory)).toMatchObject({ agencyId: 'luan-gov', rule: 'parent' });
    expect(
      directory.agencies
        .filter(isGovernment)
        .map((g) => g.id)
        .sort(),
    ).toEqual(['luan-gov', 'luan-jinan-gov', 'luan-yuan-gov', 'renqiu-gov']);
  });

  it('routes a number on no roster to a bureau of the region where it happened, never of another', () => {
    const regions = regionsOf(directory);
    expect(regions.length).toBeGreaterThan(2);
    for (const region of regions) {
      const route = routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-9', region }, directory);
      if (isRefusal(route)) throw new Error(`${region}: ${route.guidance}`);
      const bureau = directory.agency(route.agencyId)!;
      expect(region.startsWith(bureau.region), `${region} → ${bureau.name}`).toBe(true);
    }
    const luan = routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-9', region: '安徽省六安市' }, directory);
    expect(luan).toMatchObject({ agencyId: 'luan-sfj' });
    const jinan = routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-9', region: '安徽省六安市金安区' }, directory);
    expect(jinan).toMatchObject({ agencyId: 'luan-jinan-sfj' });
  });
});
