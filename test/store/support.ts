import { startLog as startLogOf } from '../support/start-log.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../../functions/server/app.ts';
import type { Db } from '../../functions/store/index.ts';
import { schemaTables } from '../../functions/store/copy.ts';
import { readSettings } from '../../src/core/settings.ts';
import { loadSite } from '../../src/import/site.ts';
import { writeDirectoryFile } from '../../src/build/directory/write.ts';
import { manualClock, type startSmtp, TEST_DATABASE_URL, validSubmission } from '../complaints/support.ts';
import { csv, EXPORT_HEADER, draftOf, publishDirectory } from '../publish/support.ts';
import { simpleParser } from '../complaints/parse.ts';

export const root = resolve(import.meta.dirname, '../..');
export const SECRET = 'store-copy-test-secret-0123456789-abcdefghij';
/** A real photo: every byte value occurs in it. */
export const PHOTO = readFileSync(join(root, 'scripts/bench/fixtures/evidence.jpg'));
/** Text outside the Basic Multilingual Plane, combining marks and an emoji sequence, to come back exactly. */
export const UNUSUAL_TEXT = '𠮷野家门口，Ａ１ｂ２，e\u0301，👮‍♀️，「引号」与 \\ 反斜杠 % _ \' "';

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

/** The app exactly as `npm start` makes it (createApp), on DATABASE_URL (unset → SQLite under varDir), mail to `smtp`. */
export async function appOn(
  varDir: string,
  databaseUrl: string,
  smtp: Pick<Smtp, 'url'> = { url: 'smtp://127.0.0.1:9' },
  clock: ReturnType<typeof manualClock> = manualClock('2026-11-20T02:00:00.000Z'),
): Promise<App> {
  const env = { VAR_DIR: varDir, DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, SECRET, SITE_URL: 'https://gongshi.example' };
  return createApp(readSettings(env), {
    env,
    clock,
    directory: await publishDirectory(),
    log: () => undefined,
    rebuildSite: async () => ({ ok: true }),
    limits: { rateBurst: 1000, ratePerSecond: 1000, acksPerAddressPerDay: 1000 },
  });
}

/** A request to the app's functions from a browser-like client that keeps its cookies. */
export function browser(app: App, clientAddress = '192.0.2.77') {
  const jar = new Map<string, string>();
  return async (method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await app.functions(
      new Request(`https://gongshi.example${path}`, {
        method,
        headers: {
          ...(body instanceof URLSearchParams ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(cookie ? { cookie } : {}),
          ...headers,
        },
        ...(body ? { body } : {}),
      }),
      { clientAddress },
    );
    if (!response) throw new Error(`no function answered ${method} ${path}`);
    const set = response.headers.get('set-cookie');
    if (set) jar.set(set.slice(0, set.indexOf('=')), set.slice(set.indexOf('=') + 1, set.indexOf(';')));
    return response;
  };
}

export const messageId = (raw: string) => /^message-id:\s*<?([^\s>]+)>?/im.exec(raw)?.[1] ?? '';

async function sendAll(app: App): Promise<void> {
  for (let i = 0; i < 20; i++) if (!(await app.sendPendingMail()).claimed) return;
}

export interface Filled {
  /** Complaints and their tracking codes: the first with the photo and unusual text. */
  receipts: { reference: string; trackingCode: string }[];
  /** The Message-IDs of mail queued and not yet sent when the app closed. */
  queued: string[];
  /** Message-IDs already delivered. */
  sent: string[];
}

/**
 * Fills the store under `varDir` through the app as a deployment would, so that every table of the schema holds
 * rows: complaints (one with a photo, one anonymous tip-off) and their events; the outbox sent (attempts recorded)
 * with acknowledgements (the quota) and some mail left queued; an agency's action link used; reminders (notices);
 * a no-JS submission's file waiting on its check page; a clerk signed in by mail, a roster version published and
 * a second upload left as a draft.
 */
export async function fillThroughApp(varDir: string, smtp: Smtp): Promise<Filled> {
  const clock = manualClock('2026-11-20T02:00:00.000Z');
  const app = await appOn(varDir, '', smtp, clock);
  const call = browser(app);
  const receipts: Filled['receipts'] = [];
  try {
    // 1. A complaint with a photo and unusual text (multipart, as the island sends it with a file).
    const form = new FormData();
    for (const [k, v] of Object.entries(validSubmission({ description: `${UNUSUAL_TEXT}：对方单独检查并收钱。`, idempotencyKey: 'copy-0001' })))
      form.append(k, String(v));
    form.append('evidence', new File([PHOTO], 'IMG_0001.jpg', { type: 'image/jpeg' }));
    const withPhoto = await call('POST', '/api/complaints', form, { accept: 'application/json' });
    if (withPhoto.status !== 201) throw new Error(`photo complaint: ${withPhoto.status} ${await withPhoto.text()}`);
    receipts.push((await withPhoto.json()) as Filled['receipts'][number]);
    // 2. An anonymous tip-off (JSON).
    const tip = await call(
      'POST',
      '/api/complaints',
      JSON.stringify(validSubmission({ kind: 'report', name: '', phone: '', email: '', certificateNo: 'SL-SC-0002', idempotencyKey: 'copy-0002' })),
      { 'content-type': 'application/json', accept: 'application/json' },
    );
    if (tip.status !== 201) throw new Error(`tip-off: ${tip.status} ${await tip.text()}`);
    receipts.push((await tip.json()) as Filled['receipts'][number]);
    // 3. A no-JS submission with a file: its check page keeps the file until it is confirmed (never, here).
    const noJs = new FormData();
    for (const [k, v] of Object.entries(validSubmission({ idempotencyKey: 'copy-0003' }))) noJs.append(k, String(v));
    noJs.append('evidence', new File([PHOTO.subarray(0, 4096)], 'IMG_0002.jpg', { type: 'image/jpeg' }));
    const check = await call('POST', '/api/complaints', noJs, { accept: 'text/html' });
    if (check.status !== 200) throw new Error(`check page: ${check.status}`);
    await check.text();
    await sendAll(app);

    // 4. The agency accepts the first complaint through its mailed link.
    const agencyMail = smtp.received.find((m) => m.to.includes('cgj@city.example') && m.raw.includes(receipts[0]!.reference))!;
    const accept = /(\/api\/actions\/[A-Za-z0-9._-]+)/.exec((await simpleParser(agencyMail.raw)).text ?? '')?.[1];
    if (!accept) throw new Error('no action link in the agency mail');
    const accepted = await call('POST', accept, new URLSearchParams());
    if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);

    // 5. A clerk signs in by mail, publishes a roster version, and leaves a second upload unconfirmed.
    const asked = await call('POST', '/publish/sign-in', new URLSearchParams({ agency: 'city-cgj' }));
    if (asked.status !== 200) throw new Error(`sign-in request: ${asked.status}`);
    await sendAll(app);
    const signInMail = smtp.received.filter((m) => m.to.includes('roster@cgj.city.example')).at(-1)!;
    const link = /https:\/\/gongshi\.example(\/publish\/sign-in\/[A-Za-z0-9_-]{43})/.exec((await simpleParser(signInMail.raw)).text ?? '')?.[1];
    if (!link) throw new Error('no sign-in link');
    if ((await call('POST', link)).status !== 303) throw new Error('sign-in refused');
    const upload = async (rows: string[][]) => {
      const file = new FormData();
      file.append('roster', new File([csv([EXPORT_HEADER, ...rows])], 'export-2026-11-20.csv'));
      return (await call('POST', '/publish/workspace/upload', file)).text();
    };
    const first = await upload([
      ['张三', '', 'SL-CG-0001', '协管员', '在岗'],
      ['𠮷田', '', 'CG-0500', '协管员', '在岗'],
    ]);
    const confirmed = await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft: draftOf(first) }));
    if (confirmed.status !== 303) throw new Error(`confirm: ${confirmed.status}`);
    await app.republisher?.idle();
    await upload([['张三', '', 'SL-CG-0001', '协管员', '暂停']]);

    // 6. Ten days on: reminders for the tip-off nobody accepted (notices), queued and — like a third complaint's
    //    mail — not yet sent when the server stops.
    clock.advance(10 * 86_400_000);
    await app.runDeadlineJobs();
    const late = await call('POST', '/api/complaints', JSON.stringify(validSubmission({ idempotencyKey: 'copy-0004', place: '示例市解放路 9 号' })), {
      'content-type': 'application/json',
      accept: 'application/json',
    });
    if (late.status !== 201) throw new Error(`late complaint: ${late.status}`);
    receipts.push((await late.json()) as Filled['receipts'][number]);
    const queued = (await app.world.store.query<{ message_id: string }>("SELECT message_id FROM outbox WHERE status = 'pending'")).map((r) => r.message_id);
    return { receipts, queued, sent: smtp.received.map((m) => messageId(m.raw)) };
  } finally {
    await app.close();
  }
}

/** Every row of every table of the schema, each table's rows sorted by key (the same order whatever the engine's collation). */
export async function dump(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of await schemaTables()) {
    const rows = await db.query(`SELECT ${table.columns.map((c) => c.name).join(', ')} FROM ${table.name}`);
    const key = (row: Record<string, unknown>) => JSON.stringify(table.key.map((k) => row[k]));
    out[table.name] = rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return out;
}

/** A fresh PostgreSQL schema and the address that selects it, with a password that must never be printed. */
export async function pgSchema(): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `copy_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(TEST_DATABASE_URL);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(TEST_DATABASE_URL);
  // Trust authentication on loopback: the password is carried, not checked — and must not be printed.
  u.password = PASSWORD;
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client(TEST_DATABASE_URL);
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
export const PASSWORD = 'Copy-pw-9f2k-not-printed';

/** `npm run store:copy -- …` as a command: exit code and everything it printed. */
export function storeCopy(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(root, 'scripts/store-copy.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** The same, while the test process keeps running (a SQLite store held open here must be seen from there). */
export function storeCopyAsync(...args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'scripts/store-copy.ts'), ...args], { cwd: root });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (status) => done({ status, output }));
  });
}

/** Files one complaint through the app's intake (JSON, as the island posts it without files). */
export async function submit(app: App, over: Record<string, unknown> = {}): Promise<{ reference: string; trackingCode: string }> {
  const response = await browser(app)('POST', '/api/complaints', JSON.stringify(validSubmission(over)), {
    'content-type': 'application/json',
    accept: 'application/json',
  });
  if (response.status !== 201) throw new Error(`submit: ${response.status} ${await response.text()}`);
  return (await response.json()) as { reference: string; trackingCode: string };
}

/** What a citizen's status lookup answers (200 found, 404 not). */
export async function lookup(app: App, receipt: { reference: string; trackingCode: string }): Promise<number> {
  const response = await browser(app)('GET', `/api/complaints/${receipt.reference}`, undefined, {
    'x-tracking-code': receipt.trackingCode,
    accept: 'application/json',
  });
  await response.text();
  return response.status;
}

/** An OUT_DIR holding only what `npm start` with NO_BUILD=1 needs of a build: the directory file of the sample content. */
export async function directoryOnly(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'gongshi-dir-only-'));
  await writeDirectoryFile(await loadSite(join(root, 'content')), outDir);
  return outDir;
}

/** `npm start` in `env` with the store tests' defaults (no SITE_URL, an SMTP_URL nobody answers, their SECRET). */
export function startLog(env: Record<string, string>): Promise<string> {
  return startLogOf({ SITE_URL: '', SMTP_URL: 'smtp://127.0.0.1:9', SECRET, ROSTER_STORE_URL: '', ...env });
}
