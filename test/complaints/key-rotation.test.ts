import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { evidenceDownloads } from '../../functions/complaints/evidence-download.ts';
import { makeEvidenceLinker } from '../../functions/complaints/evidence-links.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { hashTrackingCode, keyId } from '../../functions/complaints/reference.ts';
import { senderAddress, type World } from '../../functions/complaints/world.ts';
import { FRESH_LINKS_PATH } from '../../functions/handling/links.ts';
import { handlingFunctions } from '../../functions/handling/http.ts';
import { makeIntakeActionLinks } from '../../functions/handling/mails.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { startServer, type FunctionHandler, type RunningServer } from '../../functions/server/node.ts';
import type { Db } from '../../functions/store/index.ts';
import { header, linksIn, mailText } from '../handling/support.ts';
import { describeEachStore, freshStore, harnessOn, smtpServer } from '../support/stores.ts';
import { fakeJpeg, fakePng, manualClock, tempDir, testWorld, validSubmission, type ReceivedMail } from './support.ts';

/**
 * Key rotation (docs/SECURITY.md): tracking codes outlive the key that hashed them (SECRET_RETIRED, re-hashed under
 * SECRET at their next lookup), links die with theirs and are re-issued — evidence downloads included — on the
 * fresh-links page, and several servers rotating in the documented order accept each other's codes and links.
 */
const KEY_A = 'Hq3vN8-wZ2pLk5-Rt7yXc1-Md4sGf9-Bj6uEa0';
const KEY_B = 'Pz5kW1-yQ8rTn3-Lc6vHm2-Xd9sBg4-Fj7uKe0';
const KEY_C = 'Vt2nR7-kM5wQp8-Zc3yLh6-Gd1sXb9-Nj4uFe0';
const SITE = 'https://gongshi.example';
const ctx = { clientAddress: '127.0.0.1' };
const ACCEPT = '受理此件';

type Keys = { secret: string; previousSecrets?: string[]; retiredSecrets?: string[] };
const settingsOf = (keys: Keys): World['settings'] => ({ siteUrl: SITE, previousSecrets: [], retiredSecrets: [], ...keys });
/** Changes the keys of a running world in place (its functions read them at each request), as a restart would. */
function useKeys(world: { settings: World['settings'] }, keys: Keys): void {
  Object.assign(world.settings, settingsOf(keys));
}

/** The store with every write counted: statements other than SELECT, scripts and transactions. */
function countingWrites(db: Db): Db & { readonly writes: number } {
  let writes = 0;
  return new Proxy(db, {
    get(target, key) {
      if (key === 'writes') return writes;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (key === 'run' || key === 'exec' || key === 'transaction') {
        return (...args: unknown[]) => {
          writes++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (key === 'query') {
        return (sql: string, params?: unknown[]) => {
          if (!/^\s*SELECT\b/i.test(sql)) writes++;
          return target.query(sql, params);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  }) as Db & { readonly writes: number };
}

async function submitJson(world: World, body: Record<string, unknown>): Promise<{ status: number; reference: string; trackingCode: string }> {
  const response = (await complaintFunctions(world)(
    new Request('http://localhost/api/complaints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
    ctx,
  ))!;
  return { status: response.status, ...((await response.json()) as { reference: string; trackingCode: string }) };
}

async function lookup(world: World, reference: string, code: string): Promise<number> {
  const response = (await complaintFunctions(world)(
    new Request(`http://localhost/api/complaints/${reference}`, { headers: { 'x-tracking-code': code } }),
    ctx,
  ))!;
  await response.arrayBuffer();
  return response.status;
}

const trackingHash = async (db: Db, reference: string) =>
  (await db.query<{ tracking_hash: string }>('SELECT tracking_hash FROM complaints WHERE reference = ?', [reference]))[0]!.tracking_hash;

/** The same code with its last symbol changed. */
const wrongCode = (code: string) => `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;

const png = () => Buffer.from(fakePng(300, randomBytes(1)[0]!));
const jpeg = () => Buffer.from(fakeJpeg(500, randomBytes(1)[0]!));

describeEachStore('tracking codes across key rotations', (kind) => {
  const db = freshStore(kind);

  it('a code issued under key A verifies after SECRET=B with A only retired, is re-hashed under B on that lookup and then works without A; a wrong code writes nothing', async () => {
    const before = await testWorld(db, { settings: settingsOf({ secret: KEY_A }) });
    const { reference, trackingCode } = await submitJson(before, validSubmission());
    const underA = await trackingHash(db, reference);
    expect(underA).toBe(hashTrackingCode(trackingCode, KEY_A));
    expect(underA.startsWith(`${keyId(KEY_A)}:`)).toBe(true);

    // The routine rotation is over and A no longer verifies links: it is only in SECRET_RETIRED.
    const counted = countingWrites(db);
    const rotated = await testWorld(counted, { settings: settingsOf({ secret: KEY_B, retiredSecrets: [KEY_A] }) });
    expect(await lookup(rotated, reference, wrongCode(trackingCode))).toBe(404);
    expect(await lookup(rotated, reference, 'AAAA-BBBB-CCCC')).toBe(404);
    expect(counted.writes).toBe(0);
    expect(await trackingHash(db, reference)).toBe(underA);

    expect(await lookup(rotated, reference, trackingCode)).toBe(200);
    expect(counted.writes).toBe(1);
    expect(await trackingHash(db, reference)).toBe(hashTrackingCode(trackingCode, KEY_B));
    // Current now: a second lookup writes nothing.
    expect(await lookup(rotated, reference, trackingCode.toLowerCase())).toBe(200);
    expect(counted.writes).toBe(1);

    // A removed everywhere: the code still works, a wrong one still does not.
    const later = await testWorld(db, { settings: settingsOf({ secret: KEY_B }) });
    expect(await lookup(later, reference, trackingCode)).toBe(200);
    expect(await lookup(later, reference, wrongCode(trackingCode))).toBe(404);
    // Neither the code nor a key reaches the log.
    const logged = [...rotated.lines, ...later.lines].join('\n');
    for (const secret of [trackingCode, trackingCode.replace(/-/g, ''), KEY_A, KEY_B]) expect(logged).not.toContain(secret);
  });

  it('a code stored before key ids (the bare HMAC) verifies under a retired key and is stored again with its key id', async () => {
    const world = await testWorld(db, { settings: settingsOf({ secret: KEY_A }) });
    const { reference, trackingCode } = await submitJson(world, validSubmission());
    const bare = createHmac('sha256', KEY_A)
      .update(`tracking:${trackingCode.replace(/-/g, '')}`)
      .digest('hex');
    await db.run('UPDATE complaints SET tracking_hash = ? WHERE reference = ?', [bare, reference]);

    const counted = countingWrites(db);
    // Without A anywhere it cannot be checked; a wrong code under A retired writes nothing.
    expect(await lookup(await testWorld(counted, { settings: settingsOf({ secret: KEY_B }) }), reference, trackingCode)).toBe(404);
    const rotated = await testWorld(counted, { settings: settingsOf({ secret: KEY_B, retiredSecrets: [KEY_A] }) });
    expect(await lookup(rotated, reference, wrongCode(trackingCode))).toBe(404);
    expect(counted.writes).toBe(0);
    expect(await lookup(rotated, reference, trackingCode)).toBe(200);
    expect(await trackingHash(db, reference)).toBe(hashTrackingCode(trackingCode, KEY_B));
  });

  it('a repeated submission after a rotation returns the first, working code; with its key gone from every list, a new working one', async () => {
    const body = validSubmission({ idempotencyKey: `rotation-${kind}-${randomBytes(8).toString('hex')}` });
    const first = await submitJson(await testWorld(db, { settings: settingsOf({ secret: KEY_A }) }), body);
    expect(first.status).toBe(201);
    for (const keys of [
      { secret: KEY_B, previousSecrets: [KEY_A] },
      { secret: KEY_B, retiredSecrets: [KEY_A] },
    ]) {
      const world = await testWorld(db, { settings: settingsOf(keys) });
      const again = await submitJson(world, body);
      expect(again.status).toBe(200);
      expect(again.reference).toBe(first.reference);
      expect(again.trackingCode).toBe(first.trackingCode);
      expect(await lookup(world, first.reference, again.trackingCode)).toBe(200);
    }
    // Re-hashed under B by that lookup, its deriving key A retired: still the first code.
    const retired = await testWorld(db, { settings: settingsOf({ secret: KEY_B, retiredSecrets: [KEY_A] }) });
    expect((await submitJson(retired, body)).trackingCode).toBe(first.trackingCode);

    // Neither A nor B configured (the code fails every lookup): the repeat gets a new code that works.
    const lost = await testWorld(db, { settings: settingsOf({ secret: KEY_C }) });
    expect(await lookup(lost, first.reference, first.trackingCode)).toBe(404);
    const reissued = await submitJson(lost, body);
    expect(reissued.status).toBe(200);
    expect(reissued.reference).toBe(first.reference);
    expect(reissued.trackingCode).not.toBe(first.trackingCode);
    expect(await lookup(lost, first.reference, reissued.trackingCode)).toBe(200);
    expect((await submitJson(lost, body)).trackingCode).toBe(reissued.trackingCode);
  });
});

describeEachStore('links after an emergency rotation', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, undefined, () => ({ settings: settingsOf({ secret: KEY_A }) }));
  const mailbox = 'cgj@city.example';

  async function submitWithEvidence(files: Uint8Array[]): Promise<{ reference: string; trackingCode: string }> {
    const data = new FormData();
    for (const [k, v] of Object.entries(validSubmission({ email: '' }))) data.append(k, String(v));
    for (const f of files) data.append('evidence', new Blob([f as BlobPart]), 'x');
    const response = await h.call('/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: data });
    expect(response.status).toBe(201);
    return (await response.json()) as { reference: string; trackingCode: string };
  }
  const download = (url: string) => evidenceDownloads(h.world)(new Request(url.replace(SITE, 'http://localhost')), ctx) as Promise<Response>;
  const lookupStatus = async (reference: string, code: string) =>
    (await h.call(`/api/complaints/${reference}`, { headers: { 'x-tracking-code': code } })).status;
  const toAgency = (mails: ReceivedMail[]) => mails.filter((m) => m.to[0] === mailbox);

  it('links signed with a key that is only retired are refused with 403 pointing to the fresh-links page; the tracking code is not', async () => {
    useKeys(h.world, { secret: KEY_A });
    const { reference, trackingCode } = await submitWithEvidence([png()]);
    const [intake] = toAgency(await h.deliver());
    const accept = linksIn(intake!)[ACCEPT]!;
    const complaint = await h.complaint(reference);
    const [file] = await db.query<{ id: string }>('SELECT id FROM evidence WHERE complaint_id = ?', [complaint.id]);
    const evidence = (await makeEvidenceLinker(h.world)(complaint.id, file!.id))!.url;

    // The old key leaked: SECRET=B, A kept for tracking codes only.
    useKeys(h.world, { secret: KEY_B, retiredSecrets: [KEY_A] });
    for (const response of [await h.get(accept), await h.post(accept)]) {
      expect(response.status).toBe(403);
      const page = await response.text();
      expect(page).toContain('链接签名无效');
      expect(page).toContain('申请新的办理链接');
      expect(page).toContain(`<a href="${FRESH_LINKS_PATH}">${FRESH_LINKS_PATH}</a>`);
    }
    expect((await h.complaint(reference)).status).toBe('submitted');
    const refused = await download(evidence);
    expect(refused.status).toBe(403);
    const page = await refused.text();
    expect(page).toContain('下载链接无效');
    expect(page).toContain(`<a href="${FRESH_LINKS_PATH}">${FRESH_LINKS_PATH}</a>`);
    expect(await lookupStatus(reference, trackingCode)).toBe(200);

    // The same links under a routine rotation (A still in SECRET_PREVIOUS) work.
    useKeys(h.world, { secret: KEY_B, previousSecrets: [KEY_A] });
    expect((await h.get(accept)).status).toBe(200);
    expect((await download(evidence)).status).toBe(200);
  });

  it('fresh links re-issue the evidence downloads under the new key, and the mail does not claim earlier links still work', async () => {
    useKeys(h.world, { secret: KEY_A });
    const files = [png(), jpeg()];
    const { reference } = await submitWithEvidence(files);
    await h.deliver();
    // Emergency rotation: A dropped altogether.
    useKeys(h.world, { secret: KEY_B });
    expect((await h.post(FRESH_LINKS_PATH, { reference, mailbox })).status).toBe(200);
    const [mail] = toAgency(await h.deliver());
    expect(header(mail!.raw, 'subject')).toContain('新的办理链接');
    const text = mailText(mail!.raw);
    expect(text).toContain('此前发出的链接如仍可用，可继续使用；如提示无效，请用本邮件中的新链接');
    expect(text).not.toContain('仍然有效');
    const evidence = [...text.matchAll(/^(证据\d\.(?:png|jpg))（[\d.]+ MB）：(https:\/\/gongshi\.example\/api\/evidence\/\S+)$/gm)].map((m) => ({
      name: m[1]!,
      url: m[2]!,
    }));
    expect(evidence.map((e) => e.name)).toEqual(['证据1.png', '证据2.jpg']);
    expect(text).toContain('仅供贵单位办理本件使用，请勿转发');
    for (const { name, url } of evidence) {
      const response = await download(url);
      expect(response.status, name).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(files[name.endsWith('png') ? 0 : 1]!)).toBe(true);
    }
    // The mail's action links are signed with B and work.
    expect((await h.post(linksIn(mail!)[ACCEPT]!)).status).toBe(200);
    expect((await h.complaint(reference)).status).toBe('accepted');
  });

  it('past the evidence links’ lifetime (handling deadline + 30 days) the fresh-links mail says so instead of listing dead links', async () => {
    useKeys(h.world, { secret: KEY_A });
    const start = h.clock.now().toISOString();
    const { reference } = await submitWithEvidence([png()]);
    await h.deliver();
    const due = Date.parse((await h.complaint(reference)).accept_due_at!);
    h.clock.set(new Date(due + 31 * 86_400_000).toISOString());
    try {
      expect((await h.post(FRESH_LINKS_PATH, { reference, mailbox })).status).toBe(200);
      const [mail] = toAgency(await h.deliver());
      const text = mailText(mail!.raw);
      expect(text).toContain('本件证据文件的下载链接已于');
      expect(text).not.toContain('/api/evidence/');
      expect(linksIn(mail!)[ACCEPT]).toBeDefined();
    } finally {
      h.clock.set(start);
    }
  });
});

/** One server of several on the same store: intake, handling, evidence downloads over HTTP; its own outbox worker. */
async function server(db: Db, clock: ReturnType<typeof manualClock>, keys: Keys, smtpUrl: string) {
  const base = await testWorld(db, { clock, settings: settingsOf(keys) });
  // Every check below is a status lookup from one address: far more than the per-minute limit.
  base.limits = { ...base.limits, statusPerMinute: 100_000 };
  const world = { ...base, actionLinks: makeIntakeActionLinks(base) };
  const handlers: FunctionHandler[] = [complaintFunctions(world), handlingFunctions(world), evidenceDownloads(world)];
  const distDir = join(tempDir('gongshi-rot-'), 'dist');
  mkdirSync(distDir, { recursive: true });
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>首页</title>');
  const running: RunningServer = await startServer({
    distDir,
    port: 0,
    functions: async (request, context) => {
      for (const handler of handlers) {
        const response = await handler(request, context);
        if (response) return response;
      }
      return undefined;
    },
  });
  const mailer = createMailer({ smtpUrl, outboxDir: '/nonexistent' });
  return {
    world,
    url: running.url,
    keys: (k: Keys) => useKeys(world, k),
    /** This server's worker sends what is due: the links in it are signed with this server's key. */
    async deliver() {
      for (
        let i = 0;
        i < 10 && (await sendPendingMail({ db, mailer, clock, from: senderAddress(SITE), composers: { intake: intakeMailComposer(world) } })).claimed;
        i++
      );
    },
    async close() {
      mailer.close();
      await running.close();
    },
  };
}

describeEachStore('several servers rotating in the documented order', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('codes and links made on either server verify on both throughout; only the wrong order breaks them', async () => {
    const clock = manualClock('2026-11-20T02:00:00.000Z');
    const one = await server(db, clock, { secret: KEY_A }, smtp.url);
    const two = await server(db, clock, { secret: KEY_A }, smtp.url);
    const servers = [one, two];
    try {
      const made: { reference: string; trackingCode: string; accept: string; evidence: string; on: string; signedWith: string }[] = [];
      /** Files a complaint on `s` over HTTP; its mail goes out through `s`, so its links are signed with `s`'s key. */
      const fileOn = async (s: typeof one) => {
        const response = await fetch(`${s.url}/api/complaints`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(validSubmission({ email: '' })),
        });
        expect(response.status).toBe(201);
        const receipt = (await response.json()) as { reference: string; trackingCode: string };
        const before = smtp.received.length;
        await s.deliver();
        const mail = smtp.received.slice(before).find((m) => header(m.raw, 'subject')?.includes(receipt.reference));
        const [row] = await db.query<{ id: string }>('SELECT id FROM complaints WHERE reference = ?', [receipt.reference]);
        // An evidence link as this server's worker would sign it for a message too large to carry the file.
        const evidenceId = randomBytes(8).toString('hex');
        await db.run('INSERT INTO evidence (id, complaint_id, name, type, size, data) VALUES (?, ?, ?, ?, ?, ?)', [
          evidenceId,
          row!.id,
          '证据9.png',
          'image/png',
          8,
          png().subarray(0, 8),
        ]);
        const evidence = (await makeEvidenceLinker(s.world)(row!.id, evidenceId))!.url;
        made.push({ ...receipt, accept: linksIn(mail!)[ACCEPT]!, evidence, on: s.url, signedWith: s.world.settings.secret });
      };
      /** Every code, action link (GET: never acts) and evidence link made so far, on every server. */
      const everyCheck = async () => {
        const answers: string[] = [];
        for (const s of servers) {
          for (const m of made) {
            const status = await fetch(`${s.url}/api/complaints/${m.reference}`, { headers: { 'x-tracking-code': m.trackingCode } });
            const action = await fetch(`${s.url}${m.accept}`);
            const evidence = await fetch(m.evidence.replace(SITE, s.url));
            for (const r of [status, action, evidence]) await r.arrayBuffer();
            answers.push(`${m.on}→${s.url} code ${status.status} link ${action.status} evidence ${evidence.status}`);
          }
        }
        return answers;
      };
      const allOk = (answers: string[]) => answers.every((a) => /code 200 link 200 evidence 200$/.test(a));

      await fileOn(one);
      // Step 1: the new key B into SECRET_PREVIOUS everywhere (one server after the other), so every server verifies it.
      one.keys({ secret: KEY_A, previousSecrets: [KEY_B] });
      await fileOn(two);
      expect(allOk(await everyCheck())).toBe(true);
      two.keys({ secret: KEY_A, previousSecrets: [KEY_B] });
      // Step 2, rolling: server one signs with B while server two still signs with A.
      one.keys({ secret: KEY_B, previousSecrets: [KEY_A] });
      await fileOn(one);
      await fileOn(two);
      const during = await everyCheck();
      expect(allOk(during), during.join('\n')).toBe(true);
      // Checked twice: lookups on both servers re-hash codes back and forth; they keep working.
      expect(allOk(await everyCheck())).toBe(true);
      two.keys({ secret: KEY_B, previousSecrets: [KEY_A] });
      await fileOn(two);
      const after = await everyCheck();
      expect(allOk(after), after.join('\n')).toBe(true);

      // Step 3, once the longest link lifetime has passed: A only retired. Codes work everywhere; A's links do not.
      for (const s of servers) s.keys({ secret: KEY_B, retiredSecrets: [KEY_A] });
      for (const m of made) {
        for (const s of servers) {
          expect((await fetch(`${s.url}/api/complaints/${m.reference}`, { headers: { 'x-tracking-code': m.trackingCode } })).status).toBe(200);
        }
      }
      const signedWithA = made.filter((m) => m.signedWith === KEY_A);
      expect(signedWithA).toHaveLength(3);
      for (const m of made) {
        for (const s of servers) {
          const expected = m.signedWith === KEY_A ? 403 : 200;
          expect((await fetch(`${s.url}${m.accept}`)).status).toBe(expected);
          expect((await fetch(m.evidence.replace(SITE, s.url))).status).toBe(expected);
        }
      }

      // The wrong order — SECRET switched on one server before the other verifies the new key — breaks what it makes.
      one.keys({ secret: KEY_C, previousSecrets: [KEY_B] });
      two.keys({ secret: KEY_B });
      await fileOn(one);
      const wrong = (await everyCheck()).filter((a) => a.startsWith(`${one.url}→${two.url}`)).at(-1)!;
      expect(wrong).toMatch(/code 404 link 403 evidence 403$/);
    } finally {
      for (const s of servers) await s.close();
    }
  });
});
