import { expect, it } from 'vitest';
import { sessionCookie } from '../../functions/publish/cookie.ts';
import { header } from '../complaints/support.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { SIGN_IN_REQUESTS_PER_HOUR, type PublishWorld } from '../../functions/publish/world.ts';
import { client, mailedLink, publishWorld } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

const SESSION = '__Host-gongshi-publish';

describeEachStore('publishing sign-in', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('mails a link to publish.email; GET shows a button and signs no one in; POST signs in with a strict cookie', async () => {
    const world = await publishWorld(db);
    const clerk = client(world);
    const start = await clerk.get('/publish/');
    expect(start.status).toBe(200);
    expect(start.text).toContain('示例市城市管理综合行政执法局');
    const sent = await clerk.post('/publish/sign-in', { agency: 'city-cgj' });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('r***@cgj.city.example');
    expect(sent.text).not.toContain('roster@cgj.city.example');
    const link = await mailedLink(db, world, smtp, 'roster@cgj.city.example');
    const mail = smtp.received.at(-1)!;
    expect(header(mail.raw, 'Subject')).toContain('名单发布登录链接');
    // Only the hash is stored.
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM publish_sign_ins');
    expect(stored.some((r) => r.token_hash.includes(link.split('/').at(-1)!))).toBe(false);

    const opened = await clerk.get(link);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('<form method="post"');
    expect(opened.headers.get('set-cookie')).toBeNull();
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await clerk.get('/publish/workspace/')).status).toBe(401);
    // A second GET (a mail scanner, then the clerk) still leaves the link usable.
    expect((await clerk.get(link)).status).toBe(200);

    const signedIn = await clerk.post(link);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/publish/workspace/');
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${SESSION}=[A-Za-z0-9_-]{43}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$`));
    const workspace = await clerk.get('/publish/workspace/');
    expect(workspace.status).toBe(200);
    expect(workspace.text).toContain('data-agency="city-cgj"');
    expect(workspace.text).toContain('roster@cgj.city.example');
    // The session ends after 8 hours.
    world.clock.advance(8 * 3600_000);
    expect((await clerk.get('/publish/workspace/')).status).toBe(401);
  });

  it('falls back to complaints.email for an agency without publish.email', async () => {
    const world = await publishWorld(db);
    const clerk = client(world, '192.0.2.11');
    expect((await clerk.post('/publish/sign-in', { agency: 'city-scjg' })).status).toBe(200);
    const link = await mailedLink(db, world, smtp, 'scjg@city.example');
    expect((await clerk.post(link)).status).toBe(303);
    expect((await clerk.get('/publish/workspace/')).text).toContain('data-agency="city-scjg"');
  });

  it('refuses a used link, an expired link, a made-up link and a malformed one', async () => {
    const world = await publishWorld(db);
    const clerk = client(world, '192.0.2.12');
    await clerk.post('/publish/sign-in', { agency: 'city-cgj' });
    const used = await mailedLink(db, world, smtp, 'roster@cgj.city.example');
    expect((await clerk.post(used)).status).toBe(303);
    const again = client(world, '192.0.2.12');
    const second = await again.post(used);
    expect(second.status).toBe(410);
    expect(second.text).toContain('已经用过');
    expect(second.headers.get('set-cookie')).toBeNull();
    expect((await again.get(used)).status).toBe(410);

    await clerk.post('/publish/sign-in', { agency: 'city-cgj' });
    const late = await mailedLink(db, world, smtp, 'roster@cgj.city.example');
    world.clock.advance(15 * 60_000);
    const expired = await again.post(late);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('已过期');
    expect((await again.get('/publish/workspace/')).status).toBe(401);

    expect((await again.post(`/publish/sign-in/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await again.post('/publish/sign-in/short')).status).toBe(400);
  });

  it('refuses a forged, an ended or a foreign-format cookie', async () => {
    const world = await publishWorld(db);
    const forger = client(world, '192.0.2.13');
    forger.jar.set(SESSION, 'B'.repeat(43));
    expect((await forger.get('/publish/workspace/')).status).toBe(401);
    forger.jar.set(SESSION, '<script>');
    expect((await forger.get('/publish/workspace/')).status).toBe(401);
    // A signed-in clerk who signs out cannot come back with the old cookie.
    const clerk = client(world, '192.0.2.13');
    await clerk.post('/publish/sign-in', { agency: 'city-cgj' });
    await clerk.post(await mailedLink(db, world, smtp, 'roster@cgj.city.example'));
    const token = clerk.jar.get(SESSION)!;
    expect((await clerk.post('/publish/sign-out')).status).toBe(303);
    const replay = client(world, '192.0.2.13');
    replay.jar.set(SESSION, token);
    expect((await replay.get('/publish/workspace/')).status).toBe(401);
  });

  it('binds a session to its agency: A signed in never sees or acts as B', async () => {
    const world = await publishWorld(db);
    const a = client(world, '192.0.2.14');
    await a.post('/publish/sign-in', { agency: 'city-cgj' });
    await a.post(await mailedLink(db, world, smtp, 'roster@cgj.city.example'));
    const page = await a.get('/publish/workspace/?agency=city-scjg');
    expect(page.text).toContain('data-agency="city-cgj"');
    expect(page.text).not.toContain('city-scjg');
    const rows = await db.query<{ agency_id: string }>('SELECT agency_id FROM publish_sessions WHERE ended_at IS NULL');
    expect(new Set(rows.map((r) => r.agency_id))).not.toContain('other-cgj');
  });

  it('refuses cross-site posts and unknown agencies with a field message', async () => {
    const world = await publishWorld(db);
    const clerk = client(world, '192.0.2.15');
    const cross = await clerk.post('/publish/sign-in', { agency: 'city-cgj' }, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const fetchSite = await clerk.post('/publish/sign-in', { agency: 'city-cgj' }, { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
    expect((await clerk.post('/publish/sign-in', { agency: 'city-cgj' }, { 'sec-fetch-site': 'same-site', origin: 'null' })).status).toBe(403);
    // Chromium's own form on these no-referrer pages: Origin null, but Sec-Fetch-Site says it is this site.
    expect((await clerk.post('/publish/sign-in', { agency: 'city-cgj' }, { 'sec-fetch-site': 'same-origin', origin: 'null' })).status).toBe(200);
    const unknown = await clerk.post('/publish/sign-in', { agency: 'no-such' });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('机关名录中没有这个机关');
    const empty = await clerk.post('/publish/sign-in', {});
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('请选择机关');
    const json = await publishClientRaw(world, '/publish/sign-in', 'application/json', '{"agency":"city-cgj"}');
    expect(json).toBe(415);
    expect(await db.query('SELECT 1 FROM outbox WHERE recipient = ? AND created_at > ?', ['roster@cgj.city.example', world.clock.now().toISOString()])).toEqual(
      [],
    );
  });

  it('limits sign-in mails per agency and sign-in requests per client address', async () => {
    const world = await publishWorld(db);
    const before = (await db.query('SELECT 1 FROM publish_sign_ins')).length;
    // Per agency: five mails from different addresses; the sixth request sends none and says which link to use.
    for (let i = 0; i < 5; i++) expect((await client(world, `198.51.100.${i}`).post('/publish/sign-in', { agency: 'other-cgj' })).status).toBe(200);
    const sixth = await client(world, '198.51.100.99').post('/publish/sign-in', { agency: 'other-cgj' });
    expect(sixth.status).toBe(200);
    expect(sixth.text).toContain('请使用已发送的登录链接');
    expect(sixth.text).toContain('一小时内已向另一市城管局的名单发布邮箱 c***@other.example 发送了 5 封登录邮件');
    // Per address: ten across agencies, the eleventh refused.
    const one = client(world, '203.0.113.7');
    const agencies = ['city-gov', 'city-sfj', 'lone-unit', 'other-sfj'];
    for (let i = 0; i < 10; i++) expect((await one.post('/publish/sign-in', { agency: agencies[i % 4]! })).status).toBe(200);
    expect((await one.post('/publish/sign-in', { agency: 'city-gov' })).status).toBe(429);
    expect((await db.query('SELECT 1 FROM publish_sign_ins')).length - before).toBe(15);
    // An hour later the agency gets a new mail again.
    world.clock.advance(3600_000 + 1);
    const later = await client(world, '198.51.100.99').post('/publish/sign-in', { agency: 'other-cgj' });
    expect(later.text).toContain('登录链接已发送');
    expect((await db.query('SELECT 1 FROM publish_sign_ins')).length - before).toBe(16);
  });

  it("strangers' requests neither lock the clerk out nor flood the mailbox: the newest mailed link works until the hour is over", async () => {
    const world = await publishWorld(db);
    const mailbox = 'scjg@city.example';
    const mailsTo = async () => {
      await flushOutbox(world, smtp.url);
      return smtp.received.filter((m) => m.to.includes(mailbox)).length;
    };
    const start = await mailsTo();
    world.clock.set('2026-12-01T01:00:00.000Z');
    // Twelve requests from six addresses (two each) in the first minutes, as a stranger could send them.
    for (let i = 0; i < 12; i++) {
      const answer = await client(world, `203.0.113.${100 + (i % 6)}`).post('/publish/sign-in', { agency: 'city-scjg' });
      expect(answer.status).toBe(200);
      world.clock.advance(1000);
    }
    expect((await mailsTo()) - start).toBe(SIGN_IN_REQUESTS_PER_HOUR.perAgency);
    // Half an hour later every mailed link is past its 15 minutes; the clerk asks for one.
    world.clock.set('2026-12-01T01:30:00.000Z');
    const clerk = client(world, '192.0.2.77');
    const asked = await clerk.post('/publish/sign-in', { agency: 'city-scjg' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('请打开其中<strong>最新的一封</strong>（2026-12-01 09:00 发送）');
    // Valid until the first mail of the hour is an hour old: then a new mail can go out.
    expect(asked.text).toContain('这个链接现在有效至 <strong>2026-12-01 10:00</strong>');
    // No new mail; the newest one in the mailbox signs the clerk in.
    expect((await mailsTo()) - start).toBe(SIGN_IN_REQUESTS_PER_HOUR.perAgency);
    const link = await mailedLink(db, world, smtp, mailbox);
    expect((await clerk.get(link)).status).toBe(200);
    expect((await clerk.post(link)).status).toBe(303);
    expect((await clerk.get('/publish/workspace/')).text).toContain('data-agency="city-scjg"');
    // Once the clerk has used it, a stranger's next request within the hour gets a refusal with the time, and no mail.
    const after = await client(world, '203.0.113.120').post('/publish/sign-in', { agency: 'city-scjg' });
    expect(after.status).toBe(429);
    expect(after.text).toContain('请在 2026-12-01 10:00（北京时间）后再请求');
    expect((await mailsTo()) - start).toBe(SIGN_IN_REQUESTS_PER_HOUR.perAgency);
    // When the hour has passed, a request mails a new link again.
    world.clock.set('2026-12-01T02:00:01.000Z');
    expect((await client(world, '192.0.2.77').post('/publish/sign-in', { agency: 'city-scjg' })).text).toContain('登录链接已发送');
    expect((await mailsTo()) - start).toBe(SIGN_IN_REQUESTS_PER_HOUR.perAgency + 1);
  });
});

/** Sends every queued mail to the loopback SMTP server at `smtpUrl`. */
async function flushOutbox(world: PublishWorld, smtpUrl: string): Promise<void> {
  const mailer = createMailer({ smtpUrl, outboxDir: '/nonexistent' });
  try {
    await sendPendingMail({ db: world.store, mailer, clock: world.clock, from: 'noreply@gongshi.example' });
  } finally {
    mailer.close();
  }
}

async function publishClientRaw(world: Awaited<ReturnType<typeof publishWorld>>, path: string, type: string, body: string): Promise<number> {
  const { publishFunctions } = await import('../../functions/publish/http.ts');
  const response = await publishFunctions(world)(new Request(`${world.settings.siteUrl}${path}`, { method: 'POST', headers: { 'content-type': type }, body }), {
    clientAddress: '192.0.2.200',
  });
  return response!.status;
}

it('omits Secure (and the __Host- prefix) only for a plainly local http site', () => {
  expect(sessionCookie('http://localhost:4321', 'T', 60)).toBe('gongshi-publish=T; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
  expect(sessionCookie('http://127.0.0.1:4321', 'T', 60)).not.toContain('Secure');
  expect(sessionCookie('https://gongshi.example', 'T', 60)).toBe('__Host-gongshi-publish=T; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure');
  expect(sessionCookie('http://gongshi.example', 'T', 60)).toContain('; Secure');
});
