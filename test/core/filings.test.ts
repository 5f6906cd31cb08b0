import { describe, expect, it } from 'vitest';
import { FilingsError, filingsHtml, readFilings } from '../../src/core/filings.ts';
import { footerHtml } from '../../src/core/frame.ts';

const owner = { siteOwner: '献县司法局', siteContact: '0317-4611111' };

describe("the footer's filing numbers (SITE_ICP, SITE_PSB, SITE_GOV_ID)", () => {
  it('are read as the operator was given them, trimmed; unset or empty ones are left out', () => {
    expect(readFilings({})).toEqual({});
    expect(readFilings({ SITE_ICP: '  ', SITE_PSB: '', SITE_GOV_ID: undefined })).toEqual({});
    expect(readFilings({ SITE_ICP: ' 京ICP备12345678号 ', SITE_PSB: '冀公网安备 13098202000001号', SITE_GOV_ID: 'bm01000001' })).toEqual({
      icp: '京ICP备12345678号',
      psb: '冀公网安备 13098202000001号',
      govId: 'bm01000001',
    });
    expect(readFilings({ SITE_ICP: '冀ICP备2026000001号-12' }).icp).toBe('冀ICP备2026000001号-12');
  });

  it.each([
    ['SITE_ICP', '12345678'],
    ['SITE_ICP', 'ICP备案号：冀ICP备2026000001号'],
    ['SITE_ICP', '冀ICP备2026000001号<script>'],
    ['SITE_ICP', '冀ICP证2026000001号'],
    ['SITE_PSB', '冀公网安备号'],
    ['SITE_PSB', '13098202000001'],
    ['SITE_GOV_ID', '130982000'],
    ['SITE_GOV_ID', '1309820001 '.repeat(2)],
  ])('%s=%j is refused, naming the setting and the expected shape', (setting, value) => {
    expect(() => readFilings({ [setting]: value })).toThrow(FilingsError);
    expect(() => readFilings({ [setting]: value })).toThrow(new RegExp(`${setting} 的格式不对：应形如`));
  });

  it('each refused setting is named, all at once', () => {
    expect(() => readFilings({ SITE_ICP: 'x', SITE_GOV_ID: 'y' })).toThrow(/SITE_ICP 的格式不对.*；SITE_GOV_ID 的格式不对/);
  });

  it('are shown in every footer when set, each linked to where the public checks it; none set → no line', () => {
    const none = footerHtml([], { ...owner, filings: {} });
    expect(none).not.toContain('class="filings"');
    expect(filingsHtml({})).toBe('');
    const all = footerHtml([], {
      ...owner,
      filings: readFilings({ SITE_ICP: '冀ICP备2026000001号-1', SITE_PSB: '冀公网安备 13098202000001号', SITE_GOV_ID: '1309820001' }),
    });
    expect(all).toContain(
      '<p class="filings"><a href="https://beian.miit.gov.cn/" rel="noreferrer">冀ICP备2026000001号-1</a> · ' +
        '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=13098202000001" rel="noreferrer">冀公网安备 13098202000001号</a> · 政府网站标识码：1309820001</p>',
    );
    expect(filingsHtml({ govId: '1309820001' })).toBe('<p class="filings">政府网站标识码：1309820001</p>');
  });
});
