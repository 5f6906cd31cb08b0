/**
 * What a citizen trial on the built sample site found missing or misleading: whom to call (the employing agency's
 * published phone, tappable, on every verification page and the agency page), an expired certificate's status box
 * that said 「已过有效期」 beside 「起在岗」, and the agency list's wording for a body with no published roster.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { distDir, siteBuilt } from '../support/site.ts';
import { phoneHtml, telHref } from '../../src/core/phone.ts';

const page = (...path: string[]) => readFileSync(join(distDir, ...path, 'index.html'), 'utf8');
const statusBox = (html: string) => /<div class="status [\s\S]*?<div class="note">[^<]*<\/div><\/div>/.exec(html)![0];

describe('a phone number as a tappable link', () => {
  it('links each number in the registry’s text, the rest kept as escaped text', () => {
    expect(phoneHtml('0564-0300120')).toBe('<a class="tel" href="tel:05640300120">0564-0300120</a>');
    expect(phoneHtml('(0317) 1234567 转 8001')).toBe('<a class="tel" href="tel:03171234567">(0317) 1234567</a> 转 8001');
    expect(phoneHtml('0317-1234567、0317-7654321')).toBe(
      '<a class="tel" href="tel:03171234567">0317-1234567</a>、<a class="tel" href="tel:03177654321">0317-7654321</a>',
    );
    expect(phoneHtml('<b>12345</b>')).toBe('&lt;b&gt;12345&lt;/b&gt;');
    expect(telHref('+86 564 0300120')).toBe('tel:+865640300120');
  });
});

describe.skipIf(!siteBuilt())('the built sample site', () => {
  const agencies = parse(readFileSync(join(import.meta.dirname, '../../content/agencies.yaml'), 'utf8')) as { id: string; name: string; phone?: string }[];
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const pages = readdirSync(join(distDir, 'verify')).map((no) => ({ no, html: page('verify', no) }));
  const status = (html: string) => /data-status="(\w+)"/.exec(html)![1]!;
  const agencyOf = (html: string) => byId.get(/data-agency-id="([^"]+)"/.exec(html)![1]!)!;

  it('offers the employing agency’s phone as a tel: link on the verification page of every status', () => {
    const seen = new Set<string>();
    for (const { no, html } of pages) {
      const agency = agencyOf(html);
      if (!agency.phone) continue;
      seen.add(status(html));
      const advice = /<div class="advice">[\s\S]*?<\/div>/.exec(html)![0];
      expect(advice, no).toContain(`向所在单位${agency.name}核实：拨打 <a class="tel" href="tel:${agency.phone.replace(/\D/g, '')}">${agency.phone}</a>`);
    }
    expect([...seen].sort()).toEqual(['active', 'cancelled', 'expired', 'left', 'revoked', 'suspended']);
    expect(page('verify', 'LA-CG-00001')).toContain('<a class="tel" href="tel:05640300120">0564-0300120</a>');
  });

  it('makes the agency page’s phone a tel: link', () => {
    expect(page('agencies', 'luan-cgj')).toContain('<dt>办公电话</dt><dd><a class="tel" href="tel:05640300120">0564-0300120</a></dd>');
  });

  it('says of an expired certificate only its validity in the status box, and the holder’s status apart', () => {
    const expired = pages.filter(({ html }) => status(html) === 'expired');
    expect(expired.length).toBeGreaterThan(0);
    for (const { no, html } of expired) {
      const box = statusBox(html);
      expect(box, no).toContain('已过有效期');
      expect(box, no).toMatch(/有效期至 \d{4}年\d+月\d+日（已过期）/);
      expect(box, no).toContain('目前不是有效证件');
      expect(box, no).not.toContain('在岗');
      const since = /data-status-since="(\d{4})-(\d{2})-(\d{2})"/.exec(html);
      if (since) expect(html, no).toContain(`<dt>名单状态</dt><dd>在岗（自 ${since[1]}年${Number(since[2])}月${Number(since[3])}日起）</dd>`);
    }
    // A valid certificate still says since when its holder is at work, in the box.
    const active = pages.find(({ html }) => status(html) === 'active' && html.includes('data-status-since'))!;
    expect(statusBox(active.html)).toMatch(/<span class="since">自 \d{4}年\d+月\d+日起在岗<\/span>/);
  });

  it('lists an agency without a published roster neutrally', () => {
    const list = page('agencies');
    expect(list).not.toContain('未公示辅助人员名单');
    expect(list).toMatch(/六安市人民政府<\/a>\s*<div class="muted">暂无公示的辅助人员<\/div>/);
    expect(page('agencies', 'luan-gov')).toContain('本站暂无本单位公示的辅助人员。');
  });
});
