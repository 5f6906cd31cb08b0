import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRESH_LINKS_PER_HOUR } from '../../functions/handling/fresh-links.ts';
import { FRESH_LINKS_PATH } from '../../functions/handling/links.ts';
import { newReference } from '../../functions/complaints/reference.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import type { Db } from '../../functions/store/index.ts';
import { freshDb, handlingHarness, header, linksIn, mailText, pgSkipReason, type Harness } from './support.ts';

const ACCEPT = '受理此件';
const RESOLVE = '办结';
const DAY = 86_400_000;
const graceDays = DEFAULT_POLICY.handling.linkDaysAfterDeadline;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason)(`action links last until their deadline, and fresh ones on request (${kind})`, () => {
    let db: Db;
    let h: Harness;
    beforeAll(async () => {
      db = await freshDb(kind);
      h = await handlingHarness(db);
    });
    afterAll(async () => {
      await h?.close();
      await db?.close();
    });

    const agencyMailbox = () => h.world.directory.agency('city-cgj')!.complaints.email;
    const toAgency = (mails: Awaited<ReturnType<Harness['deliver']>>) => mails.filter((m) => m.to[0] === agencyMailbox());

    /** Filed and accepted: the complaint's reference and the links of the mail sent after 受理. */
    async function accepted() {
      const receipt = await h.submit();
      const [intake] = toAgency(await h.deliver());
      expect((await h.post(linksIn(intake!)[ACCEPT]!)).status).toBe(200);
      const [afterAccept] = toAgency(await h.deliver());
      return { reference: receipt.reference, links: linksIn(afterAccept!), mail: afterAccept! };
    }

    it('a link in the accepted mail stays valid until the 办结 deadline plus the policy days, then expires; the mail says until when', async () => {
      const start = h.clock.now().toISOString();
      const c = await accepted();
      const due = Date.parse((await h.complaint(c.reference)).resolve_due_at!);
      // The 办结 period (60 days by default) outlasts the 30 days links had before.
      expect(due - h.clock.now().getTime()).toBeGreaterThan(30 * DAY);
      expect(mailText(c.mail.raw)).toContain('有效至');
      h.clock.set(new Date(due + graceDays * DAY - 60_000).toISOString());
      expect((await h.get(c.links[RESOLVE]!)).status).toBe(200);
      h.clock.set(new Date(due + graceDays * DAY + 60_000).toISOString());
      const expired = await h.get(c.links[RESOLVE]!);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain(FRESH_LINKS_PATH);
      h.clock.set(start);
    });

    it('mails fresh links to the registered mailbox only, with the same answer whether or not the request matched', async () => {
      const c = await accepted();
      const due = Date.parse((await h.complaint(c.reference)).resolve_due_at!);
      h.clock.set(new Date(due + (graceDays + 1) * DAY).toISOString());
      expect((await h.get(c.links[RESOLVE]!)).status).toBe(410);

      const form = await h.get(FRESH_LINKS_PATH);
      expect(form.status).toBe(200);
      expect(await form.text()).toContain('name="mailbox"');

      // Not matching: a typed address of someone else, another agency's registered mailbox, a reference that
      // does not exist (well-formed). Nothing is sent to anyone, and the page is the same as for a match.
      const other = h.world.directory.agency('city-scjg')!.complaints.email;
      const unknown = newReference();
      expect(await h.complaint(unknown).catch(() => undefined)).toBeUndefined();
      const answers: string[] = [];
      for (const [reference, mailbox] of [
        [c.reference, 'attacker@evil.example'],
        [c.reference, other],
        [unknown, agencyMailbox()],
      ] as const) {
        const response = await h.post(FRESH_LINKS_PATH, { reference, mailbox });
        expect(response.status).toBe(200);
        answers.push(await response.text());
      }
      expect(await h.deliver()).toEqual([]);

      // Matching (the mailbox typed in other case, the reference in lower case without dashes).
      const typedReference = c.reference.replace(/-/g, '').toLowerCase();
      const matched = await h.post(FRESH_LINKS_PATH, { reference: typedReference, mailbox: agencyMailbox().toUpperCase() });
      expect(matched.status).toBe(200);
      answers.push(await matched.text());
      expect(new Set(answers).size).toBe(1);
      const mails = await h.deliver();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual([agencyMailbox()]);
      expect(header(mails[0]!.raw, 'subject')).toContain(c.reference);
      const fresh = linksIn(mails[0]!);
      expect(Object.keys(fresh).sort()).toEqual(Object.keys(c.links).sort());
      const resolved = await h.post(fresh[RESOLVE]!, { result: '经核查，已对该辅助人员批评教育并调整岗位。' });
      expect(resolved.status).toBe(200);
      expect((await h.complaint(c.reference)).status).toBe('resolved');

      // A closed complaint gets no links, with the same answer (an hour later: at most 3 requests per reference an hour).
      h.clock.advance(3600_000 + 1000);
      const closed = await h.post(FRESH_LINKS_PATH, { reference: c.reference, mailbox: agencyMailbox() });
      expect(await closed.text()).toBe(answers[0]);
      expect(toAgency(await h.deliver()).filter((m) => header(m.raw, 'subject')?.includes('新的办理链接'))).toEqual([]);
    });

    it('says what to fix for a malformed reference or mailbox, and limits requests per reference', async () => {
      const bad = await h.post(FRESH_LINKS_PATH, { reference: 'TS-1234', mailbox: 'not-an-address' });
      expect(bad.status).toBe(400);
      const text = await bad.text();
      expect(text).toContain('受理编号格式不对');
      expect(text).toContain('请填写邮箱地址');
      expect(text).toContain('value="TS-1234"');
      // Hostile posts: another content type, a body past the cap, markup in the fields — 4xx or the same answer, never 500.
      const json = await h.call(FRESH_LINKS_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reference":"x"}' });
      expect(json.status).toBeGreaterThanOrEqual(400);
      expect(json.status).toBeLessThan(500);
      const huge = await h.post(FRESH_LINKS_PATH, { reference: 'x'.repeat(100_000), mailbox: 'a@b.cn' });
      expect(huge.status).toBe(413);
      const markup = await h.post(FRESH_LINKS_PATH, { reference: '<script>alert(1)</script>', mailbox: '"><img src=x>@a.cn' });
      expect(markup.status).toBe(400);
      const echoed = await markup.text();
      expect(echoed).not.toContain('<script>alert(1)');
      expect(echoed).not.toContain('"><img');

      const receipt = await h.submit();
      await h.deliver();
      const statuses: number[] = [];
      for (let i = 0; i <= FRESH_LINKS_PER_HOUR.perReference; i++) {
        statuses.push((await h.post(FRESH_LINKS_PATH, { reference: receipt.reference, mailbox: agencyMailbox() })).status);
      }
      expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      expect(toAgency(await h.deliver())).toHaveLength(FRESH_LINKS_PER_HOUR.perReference);
    });
  });
}
