import { expect, it } from 'vitest';
import { complaintStatuses } from '../../src/core/complaint/status.ts';
import { handlingActions, type HandlingAction } from '../../functions/handling/state.ts';
import { issueActionToken } from '../../functions/handling/links.ts';
import { handlingFunctions } from '../../functions/handling/http.ts';
import { header, linksIn, mailText, type Harness } from './support.ts';
import { simpleParser } from '../complaints/parse.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

const ACCEPT = '受理此件';
const REJECT = '不予受理';
const TRANSFER = '转办其他机关';
const RESOLVE = '办结';

describeEachStore('agency actions through signed links', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db);

  /** Files a complaint and returns the links of the mail its agency received. */
  async function filed(over: Record<string, unknown> = {}) {
    const receipt = await h.submit(over);
    const mails = await h.deliver();
    const agencyMail = mails.find((m) => header(m.raw, 'subject')?.includes(receipt.reference) && m.to[0] !== 'zhao@citizen.example')!;
    return { ...receipt, links: linksIn(agencyMail), mail: agencyMail };
  }

  it('walks a complaint from filing to resolution; GET never acts; every step mails the complainant', async () => {
    const c = await filed();
    expect(Object.keys(c.links).sort()).toEqual([ACCEPT, REJECT, TRANSFER].sort());
    expect(c.mail.to).toEqual(['cgj@city.example']);
    // Routing is the platform's rule, not a provision of the law: said so, never 「按规定」.
    expect(mailText(c.mail.raw)).toContain('按本平台的分派规则交贵单位办理');
    expect(mailText(c.mail.raw)).not.toContain('按规定');

    // A mail scanner prefetching the link changes nothing.
    const get = await h.get(c.links[ACCEPT]!);
    expect(get.status).toBe(200);
    expect(get.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await get.text()).toContain('<form method="post"');
    expect((await h.complaint(c.reference)).status).toBe('submitted');

    const accepted = await h.post(c.links[ACCEPT]!);
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('已受理');
    const row = await h.complaint(c.reference);
    expect(row.status).toBe('accepted');
    expect(row.resolve_due_at).not.toBeNull();

    const afterAccept = await h.deliver();
    const toCitizen = afterAccept.filter((m) => m.to[0] === 'zhao@citizen.example');
    expect(toCitizen).toHaveLength(1);
    expect(header(toCitizen[0]!.raw, 'subject')).toContain('已受理');
    const handlingMail = afterAccept.find((m) => m.to[0] === 'cgj@city.example')!;
    const next = linksIn(handlingMail);
    expect(Object.keys(next).sort()).toEqual([RESOLVE, TRANSFER].sort());

    // A link refused anyway says so before complaining about an incomplete form.
    expect((await h.post(c.links[REJECT]!, { reason: '' })).status).toBe(409);
    // Replaying the used link is refused and changes nothing.
    const replay = await h.post(c.links[ACCEPT]!);
    expect(replay.status).toBe(410);
    expect(await replay.text()).toContain('已经使用过');

    // The form must carry a result; the refusal keeps the input and changes nothing.
    const empty = await h.post(next[RESOLVE]!, { result: ' ' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('请填写办理结果');
    expect((await h.complaint(c.reference)).status).toBe('accepted');

    const resolved = await h.post(next[RESOLVE]!, { result: '经核查属实，已对该辅助人员批评教育并调离执法岗位。' });
    expect(resolved.status).toBe(200);
    expect((await h.complaint(c.reference)).status).toBe('resolved');
    const finalMail = (await h.deliver()).find((m) => m.to[0] === 'zhao@citizen.example')!;
    expect(mailText(finalMail.raw)).toContain('已对该辅助人员批评教育');

    // Final: the still-unused transfer link is refused with the reason.
    const late = await h.post(next[TRANSFER]!, { transferTo: 'city-scjg', reason: '试图在办结后转办' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('办理已结束');

    const events = await h.events(c.reference);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'routed', 'accepted', 'resolved']);
    expect(events.slice(2).map((e) => [e.from_status, e.to_status, e.actor_agency_id])).toEqual([
      ['submitted', 'accepted', 'city-cgj'],
      ['accepted', 'resolved', 'city-cgj'],
    ]);
    expect(events.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('transfer re-routes: new handler, new deadline, new events, the complaint mailed to the new agency over SMTP with its own links', async () => {
    const c = await filed();
    const before = await h.complaint(c.reference);
    h.clock.advance(3 * 86400_000); // filed Friday 10:00 CST, transferred Monday: 5 working days from Monday
    const moved = await h.post(c.links[TRANSFER]!, { transferTo: 'city-scjg', reason: '该问题属于市场监管职责范围' });
    expect(moved.status).toBe(200);
    const after = await h.complaint(c.reference);
    expect(after).toMatchObject({ status: 'transferred', agency_id: 'city-scjg' });
    expect(before.accept_due_at).toBe('2026-11-27T15:59:59.999Z'); // Friday 23:59:59.999 CST
    expect(after.accept_due_at).toBe('2026-11-30T15:59:59.999Z'); // Monday + 5 working days = next Monday

    const events = await h.events(c.reference);
    expect(events.slice(-2).map((e) => [e.type, e.actor_agency_id])).toEqual([
      ['transferred', 'city-cgj'],
      ['routed', 'city-cgj'],
    ]);
    expect(events.at(-2)!.reason).toBe('该问题属于市场监管职责范围');
    // The routing records the receiving agency's region: should it leave the registry, the complaint still finds its bureau.
    expect(JSON.parse(events.at(-1)!.data!)).toEqual({ rule: 'transfer', agencyId: 'city-scjg', from: 'city-cgj', region: '示例省示例市' });

    const mails = await h.deliver();
    const toNew = mails.filter((m) => m.to[0] === 'scjg@city.example');
    expect(toNew).toHaveLength(1);
    const text = mailText(toNew[0]!.raw);
    expect(text).toContain(c.reference);
    expect(text).toContain('单独对我的摊位进行检查'); // the receiving agency gets the complaint itself
    expect(text).toContain('由示例市城市管理综合行政执法局转办');
    expect(text).toContain('示例市城市管理综合行政执法局将一件投诉转贵单位办理');
    expect(text).not.toContain('公示平台收到');
    expect(header(toNew[0]!.raw, 'subject')).toMatch(/^【转办】/);
    expect(text).toContain('严格保密');
    const citizen = mails.find((m) => m.to[0] === 'zhao@citizen.example')!;
    expect(mailText(citizen.raw)).toContain('已转示例市市场监督管理局办理');
    // The new agency's deadline, as the agency's own mail states it, with its label.
    expect(mailText(citizen.raw)).toMatch(/受理期限\s*\S+ \S+（北京时间） 前决定是否受理/);
    expect(mailText(citizen.raw)).toContain('时限说明');

    // The old agency's remaining links are bound to it and refused now.
    const stale = await h.post(c.links[ACCEPT]!);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain('已转由示例市市场监督管理局办理');
    expect(await (await h.get(c.links[REJECT]!)).text()).toContain('链接已失效');

    // The new agency's links work, and a transferred complaint is handled like a new one.
    const fresh = linksIn(toNew[0]!);
    expect(Object.keys(fresh).sort()).toEqual([ACCEPT, REJECT, TRANSFER].sort());
    expect((await h.post(fresh[ACCEPT]!)).status).toBe(200);
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'accepted', agency_id: 'city-scjg' });
  });

  it("a complaint transferred away and back: the first round's links stay dead", async () => {
    const c = await filed();
    expect((await h.post(c.links[TRANSFER]!, { transferTo: 'city-scjg', reason: '属市场监管职责' })).status).toBe(200);
    const toScjg = (await h.deliver()).find((m) => m.to[0] === 'scjg@city.example')!;
    expect((await h.post(linksIn(toScjg)[TRANSFER]!, { transferTo: 'city-cgj', reason: '经核实属城管职责' })).status).toBe(200);
    expect((await h.complaint(c.reference)).agency_id).toBe('city-cgj');
    const stale = await h.post(c.links[ACCEPT]!);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain('已转办过');
    const back = (await h.deliver()).find((m) => m.to[0] === 'cgj@city.example')!;
    expect((await h.post(linksIn(back)[ACCEPT]!)).status).toBe(200);
  });

  it('refuses transfer to the same agency, to an unknown one, and to the agency complained about; nothing changes', async () => {
    const c = await filed({ about: 'agency', agencyId: 'city-cgj', certificateNo: undefined, category: 'other' });
    expect((await h.complaint(c.reference)).agency_id).toBe('city-gov'); // routed to the parent
    const cases: [string, string][] = [
      ['city-gov', '不能转办给本机关'],
      ['no-such-agency', '不在机关名录中'],
      ['city-cgj', '不能转交被反映机关自己办理'],
    ];
    for (const [to, message] of cases) {
      const response = await h.post(c.links[TRANSFER]!, { transferTo: to, reason: '测试转办理由' });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain(message);
    }
    const missingReason = await h.post(c.links[TRANSFER]!, { transferTo: 'city-scjg', reason: '' });
    expect(missingReason.status).toBe(422);
    expect(await missingReason.text()).toContain('请填写转办理由');
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'submitted', agency_id: 'city-gov' });
    expect((await h.events(c.reference)).map((e) => e.type)).toEqual(['submitted', 'routed']);
    // A refused form did not use up the link.
    expect((await h.post(c.links[TRANSFER]!, { transferTo: 'city-scjg', reason: '属市场监管职责' })).status).toBe(200);
  });

  it('refuses control characters and bidi overrides in notes and reasons; nothing changes and the link stays usable', async () => {
    const c = await filed();
    const hostile: [string, Record<string, string>][] = [
      [REJECT, { reason: '不属于本单位\u202E职责范围' }],
      [REJECT, { reason: '理由\u0007响铃' }],
      [TRANSFER, { transferTo: 'city-scjg', reason: '请\u2066转办\u2069处理' }],
      [ACCEPT, { note: '已受理\u200F备注' }],
      [ACCEPT, { note: '已受理\u0000' }],
    ];
    for (const [link, form] of hostile) {
      const response = await h.post(c.links[link]!, form);
      expect(response.status, JSON.stringify(form)).toBe(422);
      expect(await response.text()).toMatch(/控制字符/);
    }
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'submitted' });
    expect((await h.events(c.reference)).map((e) => e.type)).toEqual(['submitted', 'routed']);
    // Line breaks and tabs stay allowed in a reason.
    expect((await h.post(c.links[REJECT]!, { reason: '不属于本单位职责：\n\t请向市场监管部门反映' })).status).toBe(200);
    // The way to object is the platform's advice, labelled so; no body the regulations give no such role.
    const rejected = (await h.deliver()).find((m) => m.to[0] === 'zhao@citizen.example')!;
    expect(mailText(rejected.raw)).toContain('可以向该机关的上级行政机关反映（本平台的提示）');
    expect(mailText(rejected.raw)).not.toContain('司法行政部门');
  });

  it('refuses tampered, foreign-secret and expired links', async () => {
    const c = await filed();
    const path = c.links[ACCEPT]!;
    const token = path.split('/').pop()!;
    const flipped = token.slice(0, 5) + (token[5] === 'a' ? 'b' : 'a') + token.slice(6);
    expect((await h.post(`/api/actions/${flipped}`)).status).toBe(403);
    const foreign = issueActionToken({ reference: c.reference, action: 'accept', agencyId: 'city-cgj', period: 1 }, 'another-secret', h.clock.now());
    expect((await h.post(`/api/actions/${foreign}`)).status).toBe(403);
    expect((await h.get('/api/actions/not-a-token')).status).toBe(400);
    const wrongAgency = issueActionToken(
      { reference: c.reference, action: 'accept', agencyId: 'city-scjg', period: 1 },
      h.world.settings.secret,
      h.clock.now(),
    );
    expect((await h.post(`/api/actions/${wrongAgency}`)).status).toBe(403);
    const unknown = issueActionToken({ reference: 'TS-0000-0000', action: 'accept', agencyId: 'city-cgj', period: 1 }, h.world.settings.secret, h.clock.now());
    expect((await h.post(`/api/actions/${unknown}`)).status).toBe(404);

    h.clock.advance(31 * 86400_000);
    const expired = await h.post(path);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('过期');
    h.clock.advance(-31 * 86400_000);
    expect((await h.complaint(c.reference)).status).toBe('submitted');
    expect((await h.post(path)).status).toBe(200);
  });

  it('only POST with a form acts; other methods and content types are refused', async () => {
    const c = await filed();
    const path = c.links[ACCEPT]!;
    const asJson = await callRaw(h, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(asJson.status).toBe(415);
    expect((await callRaw(h, path, { method: 'PUT' })).status).toBe(405);
    expect((await h.complaint(c.reference)).status).toBe('submitted');
  });

  it('two different links used at the same moment: exactly one wins', async () => {
    const c = await filed();
    const results = await Promise.all([h.post(c.links[ACCEPT]!), h.post(c.links[REJECT]!, { reason: '不属于本机关职责范围' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await h.events(c.reference);
    expect(events.filter((e) => e.type === 'accepted' || e.type === 'rejected')).toHaveLength(1);
  });

  it('the same link posted twice at once acts once', async () => {
    const c = await filed();
    const results = await Promise.all([h.post(c.links[ACCEPT]!), h.post(c.links[ACCEPT]!)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    expect((await h.events(c.reference)).filter((e) => e.type === 'accepted')).toHaveLength(1);
  });

  it('an anonymous tip-off gets no e-mail at any transition', async () => {
    const c = await filed({ kind: 'report', name: undefined, phone: undefined, email: undefined });
    expect((await h.post(c.links[REJECT]!, { reason: '线索不足，无法核查' })).status).toBe(200);
    const mails = await h.deliver();
    expect(mails.every((m) => m.to[0]!.endsWith('@city.example'))).toBe(true);
    expect(mails).toHaveLength(0);
    expect((await h.complaint(c.reference)).status).toBe('rejected');
  });

  it('every action from every status: allowed ones act, the others are refused with the current status named', async () => {
    // Bring a fresh complaint to each status through real links, then try each action with a fresh signed link.
    const reach = async (status: string): Promise<{ reference: string; agencyId: string; period: number }> => {
      const c = await filed();
      if (status === 'submitted') return { reference: c.reference, agencyId: 'city-cgj', period: 1 };
      if (status === 'transferred') {
        await h.post(c.links[TRANSFER]!, { transferTo: 'city-scjg', reason: '属市场监管职责' });
        return { reference: c.reference, agencyId: 'city-scjg', period: 2 };
      }
      if (status === 'rejected') {
        await h.post(c.links[REJECT]!, { reason: '不属于本机关职责' });
        return { reference: c.reference, agencyId: 'city-cgj', period: 1 };
      }
      await h.post(c.links[ACCEPT]!);
      if (status === 'resolved') {
        const t = issueActionToken({ reference: c.reference, action: 'resolve', agencyId: 'city-cgj', period: 1 }, h.world.settings.secret, h.clock.now());
        await h.post(`/api/actions/${t}`, { result: '已办结处理' });
      }
      return { reference: c.reference, agencyId: 'city-cgj', period: 1 };
    };
    const allowed: Record<string, HandlingAction[]> = {
      submitted: ['accept', 'reject', 'transfer'],
      transferred: ['accept', 'reject', 'transfer'],
      accepted: ['resolve', 'transfer'],
      rejected: [],
      resolved: [],
    };
    const form = { reason: '测试理由四字以上', result: '测试结果四字以上', transferTo: 'other-cgj' };
    for (const status of complaintStatuses) {
      for (const action of handlingActions) {
        const at = await reach(status);
        expect((await h.complaint(at.reference)).status).toBe(status);
        const token = issueActionToken({ reference: at.reference, action, agencyId: at.agencyId, period: at.period }, h.world.settings.secret, h.clock.now());
        const response = await h.post(`/api/actions/${token}`, form);
        const ok = allowed[status]!.includes(action);
        expect(response.status, `${status} + ${action}`).toBe(ok ? 200 : 409);
        if (!ok) expect(await response.text()).toMatch(/当前状态为|办理已结束/);
        const now = await h.complaint(at.reference);
        expect(now.status, `${status} + ${action}`).toBe(
          ok ? { accept: 'accepted', reject: 'rejected', transfer: 'transferred', resolve: 'resolved' }[action] : status,
        );
      }
    }
    await h.deliver();
  });

  it('escapes what agencies type: kept input on a refused form, the reason on the status page', async () => {
    const c = await filed();
    const hostile = '<script>alert(1)</script>"\'&';
    const refused = await h.post(c.links[TRANSFER]!, { transferTo: '', reason: hostile });
    expect(refused.status).toBe(422);
    const form = await refused.text();
    expect(form).not.toContain('<script>alert');
    expect(form).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect((await h.post(c.links[REJECT]!, { reason: hostile })).status).toBe(200);
    const status = await (await h.post('/api/status', { reference: c.reference, code: c.trackingCode })).text();
    expect(status).not.toContain('<script>alert');
    expect(status).toContain('&lt;script&gt;');
    const mail = (await h.deliver()).find((m) => m.to[0] === 'zhao@citizen.example')!;
    const { html } = await simpleParser(mail.raw);
    expect(html).toContain('&lt;script&gt;alert(1)');
    expect(html).not.toContain('<script>alert');
  });

  it('the no-JavaScript status form shows status and dated history, never the contents', async () => {
    const c = await filed();
    await h.post(c.links[REJECT]!, { reason: '不属于本机关职责范围' });
    const ok = await h.post('/api/status', { reference: c.reference.toLowerCase(), code: c.trackingCode });
    expect(ok.status).toBe(200);
    const page = await ok.text();
    expect(page).toContain('不予受理（理由：不属于本机关职责范围）');
    expect(page).toContain('分派至示例市城市管理综合行政执法局办理');
    expect(page).not.toContain('摊位');
    expect(page).not.toContain('赵六');
    const wrong = await h.post('/api/status', { reference: c.reference, code: 'AAAA-BBBB-CCCC' });
    expect(wrong.status).toBe(404);
    expect((await h.post('/api/status', { reference: 'nonsense', code: 'x' })).status).toBe(400);
  });
});

async function callRaw(h: Harness, path: string, init: RequestInit): Promise<Response> {
  return (await handlingFunctions(h.world)(new Request(`http://localhost${path}`, init), { clientAddress: '127.0.0.1' }))!;
}
