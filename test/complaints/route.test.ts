import { describe, expect, it } from 'vitest';
import { isRefusal, routeComplaint } from '../../functions/complaints/route.ts';
import { testDirectory } from './support.ts';

const directory = await testDirectory();

describe('routeComplaint', () => {
  it('sends a complaint about a named auxiliary to the agency that employs them', () => {
    const route = routeComplaint({ about: 'auxiliary', certificateNo: 'SL-CG-0001', agencyId: 'city-cgj', name: '张三' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-cgj', rule: 'employer' });
    expect(JSON.stringify(route)).toContain('谁使用、谁管理、谁负责');
    expect(JSON.stringify(route)).toContain('张三');
  });

  it('sends a complaint about a unit (person unknown) to that unit', () => {
    expect(routeComplaint({ about: 'unit', agencyId: 'city-scjg' }, directory)).toMatchObject({ agencyId: 'city-scjg', rule: 'unit' });
  });

  it('sends a complaint about an agency itself to its parent, never to the accused agency', () => {
    const route = routeComplaint({ about: 'agency', agencyId: 'city-cgj' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-gov', rule: 'parent' });
    expect(JSON.stringify(route)).not.toContain('"agencyId":"city-cgj"');
    expect(JSON.stringify(route)).toContain('上级行政机关');
  });

  it('never routes a complaint about a body with no registered superior to a body below it or beside it', () => {
    // other-cgj has only a justice bureau (a peer department), no parent and no government in its region.
    for (const id of ['other-cgj', 'lone-unit', 'other-sfj', 'city-gov']) {
      const route = routeComplaint({ about: 'agency', agencyId: id }, directory);
      expect(isRefusal(route), id).toBe(true);
      if (isRefusal(route)) {
        expect(route.guidance).toContain('上一级人民政府');
        expect(route.guidance).toContain('下级部门无权监督');
      }
    }
  });

  it('sends a number that is on no roster to the oversight of the agency it was claimed for', () => {
    const route = routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-1', agencyId: 'city-cgj' }, directory);
    expect(route).toMatchObject({ agencyId: 'city-sfj', rule: 'oversight-of-agency' });
    if (isRefusal(route)) throw new Error('refused');
    expect(route.reason).toContain('FAKE-1');
    expect(route.reason).toContain('不在公示名单中');
  });

  it('sends a number on no roster with no unit named to the bureau of the region where it happened', () => {
    expect(routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-2', region: '另一省另一市' }, directory)).toMatchObject({
      agencyId: 'other-sfj',
      rule: 'oversight-of-region',
    });
    expect(routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-2', region: '示例省示例市' }, directory)).toMatchObject({
      agencyId: 'city-sfj',
      rule: 'oversight-of-region',
    });
    expect(isRefusal(routeComplaint({ about: 'unknownNumber', certificateNo: 'FAKE-2' }, directory))).toBe(true);
  });

  it('records a Chinese reason for every decision', () => {
    const targets = [
      { about: 'auxiliary', certificateNo: 'LO-0003', agencyId: 'lone-unit', name: '王五' },
      { about: 'unit', agencyId: 'lone-unit' },
      { about: 'agency', agencyId: 'city-cgj' },
      { about: 'unknownNumber', certificateNo: 'X', region: '示例省示例市' },
    ] as const;
    for (const target of targets) {
      const route = routeComplaint(target, directory);
      expect(isRefusal(route) ? route.guidance : route.reason).toMatch(/[\u4e00-\u9fff]{4,}/);
    }
  });
});
