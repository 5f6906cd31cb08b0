import { join } from 'node:path';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { buildDirectory, type Directory } from '../../src/core/directory.ts';
import type { Db } from '../../functions/store/index.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { migrate } from '../../functions/store/migrations.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { publishFunctions } from '../../functions/publish/http.ts';
import type { PublishWorld } from '../../functions/publish/world.ts';
import { freshDb, manualClock, TEST_DATABASE_URL, tempDir, testAgencies, testAuxiliaries, type startSmtp } from '../complaints/support.ts';

/** The complaint tests' registry, with a publishing mailbox of its own for city-cgj. */
export const publishAgencies = testAgencies.map((a) => (a.id === 'city-cgj' ? { ...a, publish: { email: 'roster@cgj.city.example' } } : a));

export async function publishDirectory(extra: typeof testAuxiliaries = []): Promise<Directory> {
  const regulations = await loadRegulations(join(import.meta.dirname, '../../content'));
  const registry = checkRegistry(publishAgencies, new Set(regulations.keys()));
  return buildDirectory({ agencies: registry.agencies, regulations, auxiliaries: [...testAuxiliaries, ...extra] });
}

export async function publishWorld(db: Db, siteUrl = 'https://gongshi.example'): Promise<PublishWorld & { clock: ReturnType<typeof manualClock> }> {
  return { store: db, clock: manualClock(), directory: await publishDirectory(), settings: { secret: 'test-secret', siteUrl } };
}

const handlers = new WeakMap<PublishWorld, ReturnType<typeof publishFunctions>>();

/** A browser-like client of the publishing functions: keeps the cookie it is given, follows nothing by itself. All
 * clients of one world share one handler, as all requests to one server do (and so its rate limits). */
export function client(world: PublishWorld, clientAddress = '192.0.2.10', own?: ReturnType<typeof publishFunctions>) {
  if (!own && !handlers.has(world)) handlers.set(world, publishFunctions(world));
  const handler = own ?? handlers.get(world)!;
  const jar = new Map<string, string>();
  const call = async (method: string, path: string, form?: Record<string, string> | URLSearchParams | FormData, headers: Record<string, string> = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const urlencoded = form && !(form instanceof FormData);
    const response = await handler(
      new Request(`${world.settings.siteUrl}${path}`, {
        method,
        headers: { ...(urlencoded ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...(cookie ? { cookie } : {}), ...headers },
        ...(form instanceof FormData ? { body: form } : form ? { body: new URLSearchParams(form).toString() } : {}),
      }),
      { clientAddress },
    );
    if (!response) throw new Error(`no function answered ${method} ${path}`);
    const set = response.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return {
    jar,
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, form: Record<string, string> | URLSearchParams = {}, headers?: Record<string, string>) => call('POST', path, form, headers),
    upload: (name: string, bytes: Uint8Array | string) => {
      const form = new FormData();
      form.append('roster', new File([typeof bytes === 'string' ? new TextEncoder().encode(bytes) : (bytes as Uint8Array<ArrayBuffer>)], name));
      return call('POST', '/publish/workspace/upload', form);
    },
  };
}

/** Sends the queued mail to the loopback SMTP server and returns the sign-in link of the newest mail to `to`. */
export async function mailedLink(db: Db, world: PublishWorld, smtp: Awaited<ReturnType<typeof startSmtp>>, to: string): Promise<string> {
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
  try {
    await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example' });
  } finally {
    mailer.close();
  }
  const mail = smtp.received.filter((m) => m.to.includes(to)).at(-1);
  if (!mail) throw new Error(`no mail to ${to}`);
  const { simpleParser } = await import('../complaints/parse.ts');
  const parsed = await simpleParser(mail.raw);
  const match = /https:\/\/gongshi\.example(\/publish\/sign-in\/[A-Za-z0-9_-]{43})/.exec(parsed.text ?? '');
  if (!match) throw new Error(`no sign-in link in the mail to ${to}`);
  return match[1]!;
}

/** A clerk of `agencyId` signed in through the mailed link. */
export async function signedIn(
  db: Db,
  world: PublishWorld,
  smtp: Awaited<ReturnType<typeof startSmtp>>,
  agencyId: string,
  mailbox: string,
  clientAddress = '192.0.2.50',
  handler?: ReturnType<typeof publishFunctions>,
) {
  const clerk = client(world, clientAddress, handler);
  const asked = await clerk.post('/publish/sign-in', { agency: agencyId });
  if (asked.status !== 200) throw new Error(`sign-in request refused: ${asked.status}`);
  const signed = await clerk.post(await mailedLink(db, world, smtp, mailbox));
  if (signed.status !== 303) throw new Error(`sign-in refused: ${signed.status}`);
  return clerk;
}

/** A CSV export as a clerk's spreadsheet writes it. */
export function csv(rows: string[][]): string {
  return `${rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
}

/** The header of the tests' small CSV exports (单位 empty: the signed-in agency). */
export const EXPORT_HEADER = ['姓名', '单位', '证件编号', '岗位', '状态'];

/** The draft a diff page offers to confirm. */
export const draftOf = (html: string) => /name="draft" value="([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

/**
 * A clerk of `agencyId` signed in through `handler` — a workspace made with a republisher, which `client` has not —
 * with the calls the publishing tests make: upload rows, confirm a draft (ticking `left`), undo as the page's form does.
 */
export async function workspaceClerk(
  db: Db,
  world: PublishWorld,
  smtp: Awaited<ReturnType<typeof startSmtp>>,
  handler: ReturnType<typeof publishFunctions>,
  agencyId: string,
  mailbox: string,
  clientAddress = '192.0.2.60',
) {
  const clerk = await signedIn(db, world, smtp, agencyId, mailbox, clientAddress, handler);
  return {
    ...clerk,
    upload: (rows: string[][]) => clerk.upload('export-2026-11-20.csv', csv([EXPORT_HEADER, ...rows])),
    confirm: (draft: string, left: string[] = []) =>
      clerk.post('/publish/workspace/confirm', new URLSearchParams([['draft', draft], ...left.map((no) => ['left', no])])),
    undo: (seq: number) => clerk.post('/publish/workspace/undo', { seq: String(seq) }),
    workspace: () => clerk.get('/publish/workspace/'),
    signOut: () => clerk.post('/publish/sign-out'),
  };
}

/**
 * A fresh, migrated store of `kind` with the address the build reads it by (readWorkspaceRosters): a SQLite file, or
 * a PostgreSQL schema of its own named in the address's search_path.
 */
export async function storeWithUrl(kind: 'sqlite' | 'postgres'): Promise<{ db: Db; url: string }> {
  if (kind === 'sqlite') {
    const file = join(tempDir(), 'gongshi.sqlite');
    const db = openSqlite(file);
    await migrate(db);
    return { db, url: `sqlite:${file}` };
  }
  const db = await freshDb('postgres');
  const u = new URL(TEST_DATABASE_URL);
  u.searchParams.set('options', `-c search_path=${db.schema}`);
  return { db, url: u.toString() };
}
