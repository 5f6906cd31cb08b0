import { expect, it } from 'vitest';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { issueActionToken } from '../../functions/handling/links.ts';
import type { Directory } from '../../src/core/directory.ts';
import { fakePng, testAgencies, validSubmission, type ReceivedMail } from '../complaints/support.ts';
import { simpleParser } from '../complaints/parse.ts';
import { directoryOf, without, type AgencyInput } from './registry.ts';
import { header, linksIn, mailText } from './support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/**
 * 指定办理机关: the justice bureau told about a complaint whose handling agency left the directory (orphaned.ts) hands
 * it on through the signed link in its escalation mail or daily summary — routed exactly as a transfer is, with the
 * bureau as the actor — and every way the link can be wrong is refused without changing anything (docs/HANDLING.md).
 */

// China Standard Time instants.
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();
/** The test registry plus a unit below 城管局, for the "accused body or below it" refusals. */
const registry: AgencyInput[] = [
  ...testAgencies,
  {
    id: 'city-cgj-dd',
    name: '示例市城管执法大队',
    region: '示例省示例市',
    regulation: 'hebei-2021',
    parent: 'city-cgj',
    oversight: 'city-sfj',
    complaints: { email: 'dd@city.example' },
  },
];

const full = directoryOf(registry);
const ACCEPT = '受理此件';
const REJECT = '不予受理';
const TRANSFER = '转办其他机关';
const RESOLVE = '办结';
const REROUTE = '指定办理机关';
const png = fakePng();

const subject = (m: ReceivedMail) => header(m.raw, 'subject') ?? '';
/** The path of the 指定办理机关 link a daily summary carries for `reference`. */
const summaryLink = (m: ReceivedMail, reference: string) => {
  const url = new RegExp(`^${REROUTE}（${reference}）：(https?://\\S+)$`, 'm').exec(mailText(m.raw))?.[1];
  return url ? new URL(url).pathname : undefined;
};
const tokenOf = (path: string) => path.split('/').pop()!;

describeEachStore('a justice bureau names the agency for a complaint whose agency left the directory', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'), () => ({ directory: full }));
  const run = () => runDeadlineJobs(h.world);
  const setDirectory = (d: Directory) => {
    h.world.directory = d;
  };

  /** Files a complaint at `filedAt`, lets `gone` leave the directory and runs the deadline jobs at `runAt` (09:00, summary time). */
  async function orphaned(filedAt: string, runAt: string, gone = 'city-cgj', over: Record<string, unknown> = {}, bureauMail = 'sfj@city.example') {
    setDirectory(full);
    h.clock.set(cst(filedAt));
    const c = await h.submit(over);
    const intake = await h.deliver();
    setDirectory(directoryOf(without(registry, gone)));
    h.clock.set(cst(runAt));
    await run();
    const mails = await h.deliver();
    const escalation = mails.find((m) => m.to[0] === bureauMail && subject(m).startsWith('【逾期报告】') && subject(m).includes(c.reference))!;
    expect(escalation, `escalation of ${c.reference} to ${bureauMail}`).toBeDefined();
    const summary = mails.find((m) => m.to[0] === bureauMail && subject(m).startsWith('【每日汇总】'))!;
    return { ...c, intake, escalation, summary, link: linksIn(escalation)[REROUTE]!, summaryLink: summaryLink(summary, c.reference)! };
  }

  const unchanged = async (reference: string, agencyId: string, status: string, events: number) => {
    expect(await h.complaint(reference)).toMatchObject({ agency_id: agencyId, status });
    expect(await h.events(reference)).toHaveLength(events);
  };

  it('end to end: the mail carries the link, GET shows the form, POST routes the complaint to the chosen agency as a transfer does', async () => {
    // Filed with evidence, about 张三 of city-cgj: routed to city-cgj. Friday 10:00; 受理 due Friday 27th.
    setDirectory(full);
    h.clock.set(cst('2026-11-20T10:00:00'));
    const data = new FormData();
    for (const [k, v] of Object.entries(validSubmission())) data.append(k, String(v));
    data.append('evidence', new Blob([png]), 'x');
    const filed = await h.call('/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: data });
    expect(filed.status).toBe(201);
    const c = (await filed.json()) as { reference: string; trackingCode: string };
    await h.deliver();
    expect((await h.complaint(c.reference)).agency_id).toBe('city-cgj');

    // 城管局 is merged away; at the deadline the city's justice bureau is told, with the link.
    setDirectory(directoryOf(without(registry, 'city-cgj')));
    h.clock.set(cst('2026-11-28T09:00:00'));
    expect(await run()).toMatchObject({ reminders: 0, escalations: 1 });
    const told = await h.deliver();
    const escalation = told.find((m) => m.to[0] === 'sfj@city.example' && subject(m).startsWith('【逾期报告】'))!;
    const text = mailText(escalation.raw);
    expect(text).toContain(`点击下方“${REROUTE}”链接`);
    expect(text).not.toContain('请联系本平台运营方');
    expect(text).toContain('每天的汇总邮件都会附上新的链接');
    // Who re-assigns is the platform's rule, said where the bureau is asked to act.
    expect(text).toContain('由司法行政部门指定承接机关是本平台的规则，不是《办法》的规定');
    const link = linksIn(escalation)[REROUTE]!;
    expect(link).toMatch(/^\/api\/actions\//);
    // The summary line says what to do, and the summary carries a link of its own.
    const summary = told.find((m) => m.to[0] === 'sfj@city.example' && subject(m).startsWith('【每日汇总】'))!;
    expect(mailText(summary.raw)).toContain(
      `${c.reference} · 原办理机关编号 city-cgj · 办理机关已不在名录中，平台无法催办，请确定承接其职责的机关并用下方“${REROUTE}”链接转交`,
    );
    const fromSummary = summaryLink(summary, c.reference)!;
    expect(fromSummary).toMatch(/^\/api\/actions\//);
    expect(fromSummary).not.toBe(link);
    expect((await simpleParser(summary.raw)).html).toContain(`href="https://gongshi.example${fromSummary}"`);

    // GET shows the form and changes nothing (mail scanners prefetch links); facts only, never the contents.
    const form = await h.get(link);
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('no-store');
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');
    const page = await form.text();
    expect(page).toContain(`<h1>${REROUTE}：${c.reference}</h1>`);
    expect(page).toContain('编号 city-cgj（已不在机关名录中），投诉材料曾发往 cgj@city.example');
    expect(page).toContain('<form method="post"');
    expect(page).toContain('由司法行政部门指定承接机关是本平台的规则，不是《办法》的规定');
    expect(page).toContain('<option value="city-scjg">示例市市场监督管理局</option>');
    expect(page).not.toContain('value="city-cgj"');
    for (const privateWord of ['摊位', '赵六', 'zhao@citizen.example', '13800138000']) expect(page).not.toContain(privateWord);
    await unchanged(c.reference, 'city-cgj', 'submitted', 3);

    const reason = '据市机构改革方案，原城管局的相关职责划入市场监管局';
    const done = await h.post(link, { transferTo: 'city-scjg', reason });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`已指定示例市市场监督管理局办理 ${c.reference}`);

    // Routed as a transfer: new handler, status 转办, a new 受理 deadline from today (Saturday → 5 working days: Friday 4th).
    expect(await h.complaint(c.reference)).toMatchObject({
      status: 'transferred',
      agency_id: 'city-scjg',
      accept_due_at: cst('2026-12-04T23:59:59.999'),
      resolve_due_at: null,
    });
    const events = await h.events(c.reference);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'routed', 'escalated', 'transferred', 'routed']);
    expect(events.slice(-2).map((e) => [e.type, e.from_status, e.to_status, e.actor_agency_id])).toEqual([
      ['transferred', 'submitted', 'transferred', 'city-sfj'],
      ['routed', null, 'transferred', 'city-sfj'],
    ]);
    expect(events.at(-2)!.reason).toBe(reason);
    expect(events.at(-1)!.reason).toContain('由示例市司法局指定办理');
    expect(JSON.parse(events.at(-1)!.data!)).toEqual({ rule: 'reroute', agencyId: 'city-scjg', from: 'city-cgj', by: 'city-sfj', region: '示例省示例市' });

    // The new agency gets the complaint itself, the evidence and its own links; the complainant is told.
    const mails = await h.deliver();
    const toNew = mails.filter((m) => m.to[0] === 'scjg@city.example');
    expect(toNew).toHaveLength(1);
    const parsed = await simpleParser(toNew[0]!.raw);
    expect(parsed.text).toContain('单独对我的摊位进行检查');
    expect(parsed.text).toContain('由示例市司法局指定办理');
    expect(parsed.text).toContain('严格保密');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['证据1.png']);
    const fresh = linksIn(toNew[0]!);
    expect(Object.keys(fresh).sort()).toEqual([ACCEPT, REJECT, TRANSFER].sort());
    const citizen = mails.filter((m) => m.to[0] === 'zhao@citizen.example');
    expect(citizen).toHaveLength(1);
    expect(mailText(citizen[0]!.raw)).toContain('已转示例市市场监督管理局办理');
    expect(mailText(citizen[0]!.raw)).toContain(reason);
    const status = await (await h.post('/api/status', { reference: c.reference, code: c.trackingCode })).text();
    expect(status).toContain(`已转办（理由：${reason}）`);
    expect(status).toContain('分派至示例市市场监督管理局办理');

    // The link again, by POST or GET: used, says so, changes nothing.
    for (const again of [() => h.post(link, { transferTo: 'city-gov', reason: '再次指定试试' }), () => h.get(link)]) {
      const response = await again();
      expect(response.status).toBe(410);
      expect(await response.text()).toContain('此链接已经使用过');
    }
    // The summary's link for the same round: the complaint has moved on.
    const late = await h.post(fromSummary, { transferTo: 'city-gov', reason: '再次指定试试' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('已改由示例市市场监督管理局办理');
    await unchanged(c.reference, 'city-scjg', 'transferred', 5);

    // The receiving agency's links work; the complaint has left the bureau's summary.
    expect((await h.post(fresh[ACCEPT]!)).status).toBe(200);
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'accepted', agency_id: 'city-scjg' });
    h.clock.set(cst('2026-11-29T09:00:00'));
    await run();
    const next = (await h.deliver()).find((m) => m.to[0] === 'sfj@city.example' && subject(m).startsWith('【每日汇总】'));
    if (next) expect(mailText(next.raw)).not.toContain(c.reference);
  });

  it('refuses a chosen agency that is unknown, gone, the accused body or one below it, and an incomplete form, each at its field; then works', async () => {
    // About 城管局 itself, anonymously: routed to its parent, the city government, which then leaves.
    const over = {
      about: 'agency',
      agencyId: 'city-cgj',
      certificateNo: undefined,
      category: 'other',
      kind: 'report',
      name: undefined,
      phone: undefined,
      email: undefined,
    };
    const c = await orphaned('2027-01-04T10:00:00', '2027-01-12T09:00:00', 'city-gov', over);
    const form = await (await h.get(c.link)).text();
    // The accused and the unit below it are not offered.
    expect(form).toContain('value="city-scjg"');
    expect(form).not.toContain('value="city-cgj"');
    expect(form).not.toContain('value="city-cgj-dd"');

    const cases: [Record<string, string>, string, string][] = [
      [{ transferTo: '', reason: '据机构改革方案划转' }, 'transferTo', '请选择承接的办理机关'],
      [{ transferTo: 'city-scjg', reason: '' }, 'reason', '请填写指定理由'],
      [{ transferTo: 'city-scjg', reason: '据机构\u202E改革方案' }, 'reason', '指定理由含有不可见的控制字符'],
      [{ transferTo: 'no-such-agency', reason: '据机构改革方案划转' }, 'transferTo', '转办机关“no-such-agency”不在机关名录中'],
      [{ transferTo: 'city-gov', reason: '据机构改革方案划转' }, 'transferTo', '转办机关“city-gov”不在机关名录中'],
      [{ transferTo: 'city-cgj', reason: '据机构改革方案划转' }, 'transferTo', '该件反映的正是示例市城市管理综合行政执法局本身，不能转交被反映机关自己办理'],
      [{ transferTo: 'city-cgj-dd', reason: '据机构改革方案划转' }, 'transferTo', '示例市城管执法大队隶属于被反映的示例市城市管理综合行政执法局'],
    ];
    for (const [values, field, message] of cases) {
      const response = await h.post(c.link, values);
      expect(response.status, JSON.stringify(values)).toBe(422);
      const page = await response.text();
      // The form again, the message at its field and the input kept.
      expect(page).toContain(`<h1>${REROUTE}：${c.reference}</h1>`);
      const at = field === 'reason' ? `<p class="error" id="reason-error">` : `<label for="transferTo">承接的办理机关</label><p class="error">`;
      expect(page).toContain(`${at}${message}`);
      expect(page).toContain(`>${values.reason}</textarea>`);
    }
    await unchanged(c.reference, 'city-gov', 'submitted', 3);

    // A refused form does not use up the link. An anonymous tip-off: nobody to tell but the receiving agency.
    expect((await h.post(c.link, { transferTo: 'city-scjg', reason: '据机构改革方案划转' })).status).toBe(200);
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'transferred', agency_id: 'city-scjg' });
    const mails = await h.deliver();
    expect(mails.map((m) => m.to[0])).toEqual(['scjg@city.example']);
  });

  it("refuses when the complaint's agency is back in the directory, and when the complaint was closed meanwhile", async () => {
    const c = await orphaned('2027-02-01T10:00:00', '2027-02-09T09:00:00');
    // 城管局 is back (the registry edit was undone).
    setDirectory(full);
    for (const response of [await h.get(c.link), await h.post(c.link, { transferTo: 'city-scjg', reason: '据机构改革方案划转' })]) {
      expect(response.status).toBe(409);
      expect(await response.text()).toContain('该件的办理机关示例市城市管理综合行政执法局目前在机关名录中，仍由其办理，不需要指定办理机关');
    }
    await unchanged(c.reference, 'city-cgj', 'submitted', 3);

    // It accepts and resolves the complaint through its own links, then leaves again: the bureau's link stays refused.
    const agencyMail = c.intake.find((m) => m.to[0] === 'cgj@city.example' && subject(m).includes(c.reference))!;
    expect((await h.post(linksIn(agencyMail)[ACCEPT]!)).status).toBe(200);
    const accepted = (await h.deliver()).find((m) => m.to[0] === 'cgj@city.example')!;
    expect((await h.post(linksIn(accepted)[RESOLVE]!, { result: '经核查已批评教育并调整岗位' })).status).toBe(200);
    setDirectory(directoryOf(without(registry, 'city-cgj')));
    for (const path of [c.link, c.summaryLink]) {
      const response = await h.post(path, { transferTo: 'city-scjg', reason: '据机构改革方案划转' });
      expect(response.status).toBe(409);
      expect(await response.text()).toContain('该件办理已结束（已办结），不能再指定办理机关');
    }
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'resolved', agency_id: 'city-cgj' });
  });

  it('refuses a link that is not for a bureau placeOrphan picks today, a forged one and an expired one', async () => {
    const c = await orphaned('2027-03-01T10:00:00', '2027-03-09T09:00:00');
    const signed = (agencyId: string, secret = h.world.settings.secret) =>
      `/api/actions/${issueActionToken({ reference: c.reference, action: 'reroute', agencyId, period: 1 }, secret, h.clock.now())}`;
    const post = (path: string) => h.post(path, { transferTo: 'city-scjg', reason: '据机构改革方案划转' });

    // Signed with our key, but for a body that was not told: another city's bureau, an enforcement agency, the gone agency.
    for (const other of ['other-sfj', 'city-scjg', 'city-cgj']) {
      for (const response of [await h.get(signed(other)), await post(signed(other))]) {
        expect(response.status, other).toBe(403);
        expect(await response.text()).toContain('按目前的机关名录，该件由示例市司法局指定办理机关；此链接所属的机关不能为其指定');
      }
    }
    // Forged: the bureau's own link with the signature changed, and one signed with another key.
    const token = tokenOf(c.link);
    const flipped = token.slice(0, -3) + (token.at(-3) === 'a' ? 'b' : 'a') + token.slice(-2);
    for (const path of [`/api/actions/${flipped}`, signed('city-sfj', 'another-secret')]) {
      const response = await post(path);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('链接签名无效');
    }
    // The gone agency's own links still answer AgencyGone: a bureau's link is the only way on.
    const agencyMail = c.intake.find((m) => m.to[0] === 'cgj@city.example' && subject(m).includes(c.reference))!;
    const gone = await h.post(linksIn(agencyMail)[TRANSFER]!, { transferTo: 'city-scjg', reason: '据机构改革方案划转' });
    expect(gone.status).toBe(403);
    expect(await gone.text()).toContain('此链接所属的机关已不在机关名录中');

    // The records change so that another city's bureau is the one to tell now: the first bureau's link is refused.
    const { id } = await h.complaint(c.reference);
    const [routed] = await db.query<{ data: string }>("SELECT data FROM complaint_events WHERE complaint_id = ? AND type = 'routed'", [id]);
    await db.run("UPDATE complaint_events SET data = ? WHERE complaint_id = ? AND type = 'routed'", [
      JSON.stringify({ ...JSON.parse(routed!.data), region: '另一省另一市' }),
      id,
    ]);
    const moved = await post(c.link);
    expect(moved.status).toBe(403);
    expect(await moved.text()).toContain('该件由另一市司法局指定办理机关');
    expect((await h.get(signed('other-sfj'))).status).toBe(200);
    await db.run("UPDATE complaint_events SET data = ? WHERE complaint_id = ? AND type = 'routed'", [routed!.data, id]);

    // Expired: 30 days after it was mailed (its deadline has passed), as every action link.
    h.clock.advance(31 * 86400_000);
    const expired = await post(c.link);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('过期');
    h.clock.advance(-31 * 86400_000);
    await unchanged(c.reference, 'city-cgj', 'submitted', 3);
    expect((await post(c.link)).status).toBe(200);
  });

  it('a double submit acts once; two links of the same round at once (a transferred complaint) route it once', async () => {
    const a = await orphaned('2027-04-05T10:00:00', '2027-04-13T09:00:00');
    const results = await Promise.all([0, 1, 2].map(() => h.post(a.link, { transferTo: 'city-scjg', reason: '据机构改革方案划转' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    expect((await h.events(a.reference)).filter((e) => e.type === 'transferred')).toHaveLength(1);
    await h.deliver();

    // Transferred to 市场监管局, which then leaves: the complaint stays `transferred`, so the status guard alone would not tell.
    setDirectory(full);
    h.clock.set(cst('2027-05-10T10:00:00'));
    const b = await h.submit();
    const intake = (await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && subject(m).includes(b.reference))!;
    expect((await h.post(linksIn(intake)[TRANSFER]!, { transferTo: 'city-scjg', reason: '属市场监管职责' })).status).toBe(200);
    await h.deliver();
    setDirectory(directoryOf(without(registry, 'city-scjg')));
    h.clock.set(cst('2027-05-18T09:00:00'));
    await run();
    const told = await h.deliver();
    const escalation = told.find((m) => m.to[0] === 'sfj@city.example' && subject(m).startsWith('【逾期报告】') && subject(m).includes(b.reference))!;
    const summary = told.find((m) => m.to[0] === 'sfj@city.example' && subject(m).startsWith('【每日汇总】'))!;
    const both = await Promise.all([
      h.post(linksIn(escalation)[REROUTE]!, { transferTo: 'city-gov', reason: '由市政府统筹办理' }),
      h.post(summaryLink(summary, b.reference)!, { transferTo: 'city-cgj', reason: '职责划回城管局' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await h.events(b.reference);
    expect(events.filter((e) => e.type === 'routed' && JSON.parse(e.data!).rule === 'reroute')).toHaveLength(1);
    const winner = both[0]!.status === 200 ? 'city-gov' : 'city-cgj';
    expect(await h.complaint(b.reference)).toMatchObject({ status: 'transferred', agency_id: winner });
    expect((await h.deliver()).filter((m) => m.to[0] === 'gov@city.example' || m.to[0] === 'cgj@city.example').map((m) => m.to[0])).toEqual([
      winner === 'city-gov' ? 'gov@city.example' : 'cgj@city.example',
    ]);
  });

  it('the routing step it shares with a transfer: two transfer links of a transferred complaint used at once move it once', async () => {
    setDirectory(full);
    h.clock.set(cst('2027-06-07T10:00:00'));
    const c = await h.submit();
    const intake = (await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && subject(m).includes(c.reference))!;
    expect((await h.post(linksIn(intake)[TRANSFER]!, { transferTo: 'city-scjg', reason: '属市场监管职责' })).status).toBe(200);
    // Two distinct transfer links of 市场监管局's round (its mail's, and one from a fresh-links request).
    const link = () =>
      `/api/actions/${issueActionToken({ reference: c.reference, action: 'transfer', agencyId: 'city-scjg', period: 2 }, h.world.settings.secret, h.clock.now())}`;
    const both = await Promise.all([
      h.post(link(), { transferTo: 'city-gov', reason: '由市政府统筹办理' }),
      h.post(link(), { transferTo: 'city-cgj', reason: '经核实属城管职责' }),
    ]);
    // The later one finds it moved away (403) or, when both read it before either wrote, loses the race (409).
    const [first, second] = both.map((r) => r.status).sort();
    expect(first).toBe(200);
    expect([403, 409]).toContain(second);
    expect((await h.events(c.reference)).filter((e) => e.type === 'routed')).toHaveLength(3);
    await h.deliver();
  });
});
