import { describe, expect, it } from 'vitest';
import { routeComplaint } from '../../functions/complaints/route.ts';
import { testDirectory } from './support.ts';

const directory = await testDirectory();

describe('routeComplaint', () => {
  it('sends a complaint about a named auxiliary to the agency that employs them', () => {
    const route = routeComplaint({ about: 'auxiliary', certificateNo: 'SL-CG-0001', agencyId: 'city-cgj', name: '张三' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-cgj', rule: 'employer' });
    expect(route.reason).toContain('谁使用、谁管理、谁负责');
    expect(route.reason).toContain('张三');
  });

  it('sends a complaint about a unit (person unknown) to that unit', () => {
    expect(routeComplaint({ about: 'unit', agencyId: 'city-scjg' }, directory)).toMatchObject({ agencyId: 'city-scjg', rule: 'unit' });
  });

  it('sends a complaint about an agency itself to its parent, never to the accused agency', () => {
    const route = routeComplaint({ about: 'agency', agencyId: 'city-cgj' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-gov', rule: 'parent' });
    expect(route.agencyId).not.toBe('city-cgj');
    expect(route.reason).toContain('上级行政机关');
  });

  it('sends a complaint about an agency without a parent to its justice bureau', () => {
    const route = routeComplaint({ about: 'agency', agencyId: 'other-cgj' }, directory);
    expect(route).toMatchObject({ agencyId: 'other-sfj', rule: 'oversight-of-agency' });
    expect(route.reason).toContain('没有登记上级行政机关');
  });

  it('falls back to the justice bureau of the region when the agency has neither parent nor oversight', () => {
    const route = routeComplaint({ about: 'agency', agencyId: 'lone-unit' }, directory);
    expect(route).toMatchObject({ agencyId: 'other-sfj', rule: 'oversight-of-region' });
    expect(route.reason).toContain('另一省另一市');
  });

  it('never routes a complaint about a justice bureau back to itself', () => {
    // other-sfj has no parent and is its region's oversight: the region rule must skip it.
    const route = routeComplaint({ about: 'agency', agencyId: 'other-sfj' }, directory);
    expect(route.agencyId).not.toBe('other-sfj');
    expect(route.rule).toBe('oversight-fallback');
  });

  it('sends a number that is on no roster to the oversight of the agency it was claimed for', () => {
    const route = routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-1', agencyId: 'city-cgj' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-sfj', rule: 'oversight-of-agency' });
    expect(route.reason).toContain('FAKE-1');
    expect(route.reason).toContain('不在公示名单中');
  });

  it('sends an unknown number with no agency named to the bureau most agencies answer to', () => {
    const route = routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-2' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-sfj', rule: 'oversight-fallback' });
  });

  it('records a Chinese reason for every decision', () => {
    const targets = [
      { about: 'auxiliary', certificateNo: 'LO-0003', agencyId: 'lone-unit', name: '王五' },
      { about: 'unit', agencyId: 'lone-unit' },
      { about: 'agency', agencyId: 'city-gov' },
      { about: 'unknownNumber', certificateNo: 'X' },
    ] as const;
    for (const target of targets) expect(routeComplaint(target, directory).reason).toMatch(/[\u4e00-\u9fff]{4,}/);
  });
});
