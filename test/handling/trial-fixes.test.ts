import { expect, it } from 'vitest';
import { SENT_BY } from '../../functions/mail/compose.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { PLATFORM_LIMIT } from '../../src/core/policy/labels.ts';
import { header, linksIn, mailText, validSubmission } from './support.ts';
import { simpleParser } from '../complaints/parse.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/**
 * What a hands-on trial of the handling loop found: the transfer list mixing provinces, mails and action pages
 * without the deadline, the no-JS status and confirmation pages saying less than the island, and a used link that
 * did not say what it had done.
 */
const ACCEPT = '受理此件';
const TRANSFER = '转办其他机关';
const RESOLVE = '办结';
const CITIZEN = 'zhao@citizen.example';

describeEachStore('handling loop, trial fixes', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db);

  async function filed(over: Record<string, unknown> = {}) {
    const receipt = await h.submit(over);
    const mails = await h.deliver();
    const agencyMail = mails.find((m) => header(m.raw, 'subject')?.includes(receipt.reference) && m.to[0] !== CITIZEN)!;
    return { ...receipt, links: linksIn(agencyMail) };
  }

  it('the 转办至 list is grouped by region with the handling agency’s own region first, every other agency still selectable', async () => {
    for (const [certificateNo, home, other] of [
      ['LO-0003', '另一省另一市', '示例省示例市'],
      ['SL-CG-0001', '示例省示例市', '另一省另一市'],
    ] as const) {
      const c = await filed({ certificateNo, category: 'other' });
      const page = await (await h.get(c.links[TRANSFER]!)).text();
      const select = /<select id="transferTo"[^>]*>([\s\S]*?)<\/select>/.exec(page)![1]!;
      const groups = [...select.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)].map((m) => ({
        region: m[1]!,
        ids: [...m[2]!.matchAll(/value="([^"]+)"/g)].map((o) => o[1]!),
      }));
      expect(groups.map((g) => g.region)).toEqual([home, other]);
      // Every option sits in a group; the other province's agencies are there too (a transfer across regions can be right).
      expect(groups.flatMap((g) => g.ids).length).toBe([...select.matchAll(/<option value="[^"]+"/g)].length);
      expect(groups[1]!.ids.length).toBeGreaterThan(0);
    }
  });

  it('the action pages show the deadline the complaint runs against now, labelled as the mails label it', async () => {
    const c = await filed();
    const row = await h.complaint(c.reference);
    const acceptPage = await (await h.get(c.links[ACCEPT]!)).text();
    expect(acceptPage).toContain(`<dt>受理期限</dt><dd>${formatDateTime(row.accept_due_at!)}（北京时间） 前决定是否受理</dd>`);
    expect(acceptPage).toMatch(new RegExp(`<dt>时限说明</dt><dd>${PLATFORM_LIMIT}`));

    expect((await h.post(c.links[ACCEPT]!)).status).toBe(200);
    const next = linksIn((await h.deliver()).find((m) => m.to[0] !== CITIZEN)!);
    const resolveDue = (await h.complaint(c.reference)).resolve_due_at!;
    for (const link of [next[RESOLVE]!, next[TRANSFER]!]) {
      const page = await (await h.get(link)).text();
      expect(page).toContain(`<dt>办结期限</dt><dd>${formatDateTime(resolveDue)}（北京时间） 前办结</dd>`);
      expect(page).not.toContain('受理期限');
    }
  });

  it('the 已受理 mails: the citizen’s states the 办结 deadline with its label and the agency’s note; the agency’s 此邮件由…自动发送 is its own paragraph', async () => {
    const c = await filed();
    const note = '已安排专人核查，将在期限内答复。';
    expect((await h.post(c.links[ACCEPT]!, { note })).status).toBe(200);
    const mails = await h.deliver();
    const due = formatDateTime((await h.complaint(c.reference)).resolve_due_at!);

    const citizen = mailText(mails.find((m) => m.to[0] === CITIZEN)!.raw);
    expect(citizen).toContain(`受理备注：${note}`);
    expect(citizen).toContain(`办结期限：${due}（北京时间） 前办结`);
    expect(citizen).toMatch(new RegExp(`时限说明：${PLATFORM_LIMIT}，不是《办法》的规定`));

    const agency = mails.find((m) => m.to[0] !== CITIZEN)!;
    expect(header(agency.raw, 'subject')).toContain('【已受理】');
    const { html, text } = await simpleParser(agency.raw);
    expect(html).toContain(`<p>${SENT_BY}</p>`);
    expect(text.split(/\r?\n/)).toContain(SENT_BY);
  });

  it('a used 受理 or 不予受理 link, posted again (Back), names the complaint’s current status and nothing of its contents', async () => {
    const accepted = await filed();
    expect((await h.post(accepted.links[ACCEPT]!)).status).toBe(200);
    const again = await h.post(accepted.links[ACCEPT]!);
    expect(again.status).toBe(410);
    const said = await again.text();
    expect(said).toContain('此链接已经使用过：该件目前的状态是“已受理”。');
    expect(said).not.toContain('摊位');
    // The GET of a used link says the same.
    expect(await (await h.get(accepted.links[ACCEPT]!)).text()).toContain('该件目前的状态是“已受理”');

    const rejected = await filed();
    const reject = Object.entries(rejected.links).find(([label]) => label.startsWith('不予受理'))![1];
    expect((await h.post(reject, { reason: '不属于本机关职责范围' })).status).toBe(200);
    const twice = await h.post(reject, { reason: '不属于本机关职责范围' });
    expect(twice.status).toBe(410);
    expect(await twice.text()).toContain('该件目前的状态是“不予受理”');
  });

  it('without JavaScript: the status answer carries the 办理时限 paragraph; the confirmation says the acknowledgement is queued only when it is', async () => {
    const c = await filed();
    const lookup = await h.call('/api/status', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: c.reference, code: c.trackingCode }).toString(),
    });
    expect(lookup.status).toBe(200);
    const status = await lookup.text();
    expect(status).toContain('留有电子邮箱的，每次办理状态变化时都会收到邮件通知');
    expect(status).toMatch(new RegExp(`办理时限：<span id="time-limits">\\d+ 个工作日内决定是否受理[^<]*${PLATFORM_LIMIT}`));
    // The form again (a wrong code) has it too, as the static page has it under the form.
    const wrong = await h.call('/api/status', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reference: c.reference, code: 'AAAA-BBBB-CCCC' }).toString(),
    });
    expect(await wrong.text()).toContain('id="time-limits"');

    const confirm = async (over: Record<string, string>, key: string) => {
      const response = await h.call('/api/complaints', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ ...(validSubmission(over) as Record<string, string>), idempotencyKey: key, confirm: '1' }).toString(),
      });
      expect(response.status).toBeLessThan(300);
      return response.text();
    };
    const withMail = await confirm({}, `trial-${kind}-with-mail-01`);
    expect(withMail).toContain('id="reference"');
    expect(withMail).toContain('确认邮件将发往您填写的邮箱。');
    const withoutMail = await confirm({ email: '' }, `trial-${kind}-no-mail-0001`);
    expect(withoutMail).toContain('id="reference"');
    expect(withoutMail).not.toContain('确认邮件');
  });
});
