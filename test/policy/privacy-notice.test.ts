import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyMail } from '../../functions/complaints/mails.ts';
import { confirmationPage, formPage } from '../../functions/complaints/pages.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { testDirectory } from '../complaints/support.ts';

const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, '');
/** A confidentiality promise must say whose rule it is: none of the two regulations makes one. */
const PROMISE = /保密/;
const AS_PLATFORM_RULE = /本平台(的)?规则/;

function* pages(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '_astro' && entry.name !== 'pagefind' && entry.name !== 'verify') yield* pages(path);
    } else if (entry.name.endsWith('.html')) yield path;
  }
}

describe.skipIf(!siteBuilt())('the personal-information notice for complainants', () => {
  it('says what is collected, who sees it and how long it is kept (policy default: 3 years after closing)', () => {
    const notice = text(readFileSync(join(distDir, 'privacy/index.html'), 'utf8'));
    expect(notice).toContain('个人信息保护说明');
    for (const part of ['收集哪些信息', '谁能看到', '保存多久', '联系方式', '证据材料', '办结或不予受理之日起满 3 年', '只保留统计需要的信息']) {
      expect(notice).toContain(part);
    }
    expect(notice).toContain('这是本平台设定的保存期限，不是《办法》的规定');
  });

  it('says how long a complaint never closed keeps it (policy default: 5 years after filing), labelled as the platform’s rule', () => {
    const html = readFileSync(join(distDir, 'privacy/index.html'), 'utf8');
    const rule = text(/<p id="retention-never-closed">[\s\S]*?<\/p>/.exec(html)?.[0] ?? '');
    expect(rule).toContain('投诉自提交之日起满 5 年仍未办结');
    expect(rule).toContain('本平台同样删除上述信息，并取消尚未发出的邮件');
    expect(rule).toContain('这是本平台设定的保存期限，不是《办法》的规定');
    expect(html).toMatch(/id="retention-years-never-closed"[^>]*>5 年</);
  });

  it('is linked from the complaint form, with and without JavaScript', () => {
    const form = readFileSync(join(distDir, 'complaint/index.html'), 'utf8');
    expect(form).toContain('href="/privacy/"');
  });

  it("words every confidentiality promise on the site as the platform's rule", () => {
    const promising: string[] = [];
    for (const path of pages(distDir)) {
      const t = text(readFileSync(path, 'utf8'));
      if (!PROMISE.test(t)) continue;
      promising.push(relative(distDir, path));
      expect(t, relative(distDir, path)).toMatch(AS_PLATFORM_RULE);
    }
    expect(promising).toEqual(expect.arrayContaining(['complaint/index.html', 'privacy/index.html']));
  });
});

describe('confidentiality promises of the functions', () => {
  it("are worded as the platform's rule in the pages and the agency mail", async () => {
    const directory = await testDirectory();
    const rendered = [
      formPage(directory, {}, {}, 'key-12345678'),
      confirmationPage('complaint', 'TS-0000-0000', 'AAAA-BBBB-CCCC', '示例市城市管理综合行政执法局', false, { emailGiven: false, queued: false }),
    ].map(text);
    const mail = agencyMail(
      {
        reference: 'TS-0000-0000',
        kind: 'complaint',
        category: 'other',
        target: { about: 'unit', agencyId: 'city-cgj' },
        contents: { when: '2026-11-20', place: '某处', description: '某事某事某事某事', complainant: { name: '甲' }, evidence: [] },
        createdAt: '2026-11-20T02:00:00.000Z',
        acceptDueAt: null,
        timeLimit: '',
        routeReason: '测试',
      },
      directory.agency('city-cgj')!,
      directory,
    );
    for (const t of [...rendered, mail.text]) {
      expect(t).toMatch(PROMISE);
      expect(t).toMatch(AS_PLATFORM_RULE);
    }
  });
});
