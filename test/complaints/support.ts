import { SMTPServer } from 'smtp-server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import type { Auxiliary } from '../../src/core/roster/schema.ts';
import { buildDirectory, type Directory } from '../../src/core/directory.ts';
import { defaultLimits, type World } from '../../functions/complaints/world.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { openPostgres } from '../../functions/store/postgres.ts';
import { migrate, type Db } from '../../functions/store/index.ts';
import type { Clock } from '../../functions/outbox/worker.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers; the reason is printed when it does not, and its tests are skipped. */
export async function postgresReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} not reachable (${(error as Error).message}); PostgreSQL store tests skipped. Run .ci/run or set TEST_DATABASE_URL.`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
export const pgSkipReason = await postgresReason();
if (pgSkipReason) console.log(pgSkipReason);

export function tempDir(prefix = 'gongshi-c-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh database of the given kind, migrated: a new SQLite file, or a new PostgreSQL schema. */
export async function freshDb(kind: 'sqlite' | 'postgres'): Promise<Db & { schema?: string }> {
  if (kind === 'sqlite') {
    const db = openSqlite(join(tempDir(), 'test.sqlite'));
    await migrate(db);
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = openPostgres(TEST_DATABASE_URL, { schema });
  await migrate(db);
  const close = db.close;
  return Object.assign(db, {
    schema,
    close: async () => {
      await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await close();
    },
  });
}

/**
 * A small registry covering every routing rule: a government (no parent, no oversight), its justice bureau,
 * an enforcement bureau with parent and oversight, a unit with neither, and an agency with oversight only.
 */
export const testAgencies = [
  { id: 'city-gov', name: '示例市人民政府', region: '示例省示例市', regulation: 'hebei-2021', complaints: { email: 'gov@city.example' } },
  { id: 'city-sfj', name: '示例市司法局', region: '示例省示例市', regulation: 'hebei-2021', parent: 'city-gov', complaints: { email: 'sfj@city.example' } },
  {
    id: 'city-cgj',
    name: '示例市城市管理综合行政执法局',
    region: '示例省示例市',
    regulation: 'hebei-2021',
    parent: 'city-gov',
    oversight: 'city-sfj',
    complaints: { email: 'cgj@city.example' },
  },
  {
    id: 'city-scjg',
    name: '示例市市场监督管理局',
    region: '示例省示例市',
    regulation: 'hebei-2021',
    parent: 'city-gov',
    oversight: 'city-sfj',
    complaints: { email: 'scjg@city.example' },
  },
  { id: 'lone-unit', name: '孤立执法队', region: '另一省另一市', regulation: 'luan-draft', complaints: { email: 'lone@other.example' } },
  { id: 'other-sfj', name: '另一市司法局', region: '另一省另一市', regulation: 'luan-draft', complaints: { email: 'sfj@other.example' } },
  {
    id: 'other-cgj',
    name: '另一市城管局',
    region: '另一省另一市',
    regulation: 'luan-draft',
    oversight: 'other-sfj',
    complaints: { email: 'cgj@other.example' },
  },
];

export const testAuxiliaries: Auxiliary[] = [
  { certificateNo: 'SL-CG-0001', name: '张三', agencyId: 'city-cgj', status: 'active' },
  { certificateNo: 'SL-SC-0002', name: '李四', agencyId: 'city-scjg', status: 'active' },
  { certificateNo: 'LO-0003', name: '王五', agencyId: 'lone-unit', status: 'suspended' },
];

export async function testDirectory(): Promise<Directory> {
  const regulations = await loadRegulations(join(import.meta.dirname, '../../content'));
  const registry = checkRegistry(testAgencies, new Set(regulations.keys()));
  return buildDirectory({ agencies: registry.agencies, regulations, auxiliaries: testAuxiliaries });
}

/** A clock tests move by hand. */
export function manualClock(start = '2026-11-23T02:00:00.000Z'): Clock & { advance(ms: number): void; set(iso: string): void } {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
    set: (iso) => {
      now = Date.parse(iso);
    },
  };
}

export async function testWorld(db: Db, overrides: Partial<World> = {}): Promise<World & { lines: string[] }> {
  const lines: string[] = [];
  return {
    store: db,
    clock: manualClock(),
    directory: await testDirectory(),
    settings: { secret: 'test-secret', siteUrl: 'https://gongshi.example' },
    // Tests file many complaints from one address; the acknowledgement quota has its own test (ack.test.ts).
    limits: { ...defaultLimits, rateBurst: 1000, ratePerSecond: 1000, acksPerAddressPerDay: 1000 },
    log: (line) => lines.push(line),
    lines,
    ...overrides,
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on loopback that records what it accepts; it can refuse mail (451 for a while, or `refuseWith`
 * any code, e.g. 550 for good), enforce a message size limit itself (`size`: 552 past it), or be stopped and restarted.
 * With `auth` it asks senders to log in (the url carries user and password) and can refuse the login
 * (`refuseLoginWith`, e.g. 535), the sender (`refuseSenderWith`) or the recipient (`refuseRecipientWith`).
 */
export async function startSmtp(options: { size?: number; auth?: boolean } = {}): Promise<{
  url: string;
  port: number;
  received: ReceivedMail[];
  refuse: boolean;
  refuseWith: number | undefined;
  refuseLoginWith: number | undefined;
  refuseSenderWith: number | undefined;
  refuseRecipientWith: number | undefined;
  /** Milliseconds the server waits before answering a message's data (a slow server); 0 by default. */
  answerDataAfterMs: number;
  /** Every DATA transfer seen, accepted or not: its size in bytes. */
  transfers: number[];
  /** SMTP connections opened to this server so far. */
  readonly connections: number;
  /** Socket errors of clients that went away in the middle of a mail (a sender killed mid-send). */
  cut: Error[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const transfers: number[] = [];
  const cut: Error[] = [];
  let connections = 0;
  const state = {
    refuse: false,
    refuseWith: undefined as number | undefined,
    refuseLoginWith: undefined as number | undefined,
    refuseSenderWith: undefined as number | undefined,
    refuseRecipientWith: undefined as number | undefined,
    answerDataAfterMs: 0,
  };
  const refusal = (code: number) => Object.assign(new Error(`refused ${code}`), { responseCode: code });
  const make = () =>
    new SMTPServer({
      authOptional: !options.auth,
      ...(options.auth ? { allowInsecureAuth: true, authMethods: ['PLAIN', 'LOGIN'] } : {}),
      onAuth(auth, _session, callback) {
        if (state.refuseLoginWith) return callback(refusal(state.refuseLoginWith));
        callback(null, { user: auth.username });
      },
      onMailFrom(_address, _session, callback) {
        callback(state.refuseSenderWith ? refusal(state.refuseSenderWith) : undefined);
      },
      onRcptTo(_address, _session, callback) {
        callback(state.refuseRecipientWith ? refusal(state.refuseRecipientWith) : undefined);
      },
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Stopping means down: connections a client keeps open (its pool) are cut, not waited for.
      closeTimeout: 100,
      ...(options.size ? { size: options.size, rejectOversized: true } : {}),
      onConnect(_session, callback) {
        connections++;
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (state.answerDataAfterMs) await new Promise((r) => setTimeout(r, state.answerDataAfterMs));
          transfers.push(chunks.reduce((n, c) => n + c.byteLength, 0));
          if (state.refuseWith) return callback(Object.assign(new Error('refused'), { responseCode: state.refuseWith }));
          if (state.refuse) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 451 }));
          if (stream.sizeExceeded) return callback(Object.assign(new Error('message exceeds fixed maximum message size'), { responseCode: 552 }));
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
  // smtp-server re-emits a client's socket error on the server when it comes inside a mail transaction; without a
  // listener that is an uncaught exception in the test process, though the server itself carries on.
  const watch = (s: SMTPServer) => s.on('error', (err: Error) => cut.push(err));
  let server = watch(make());
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const access = (key: 'refuseLoginWith' | 'refuseSenderWith' | 'refuseRecipientWith' | 'answerDataAfterMs') => ({
    get: () => state[key],
    set: (v: number | undefined) => {
      (state as Record<string, unknown>)[key] = v;
    },
    enumerable: true,
  });
  const handle = {
    url: `smtp://${options.auth ? 'site:secret@' : ''}127.0.0.1:${port}`,
    port,
    received,
    transfers,
    cut,
    get connections() {
      return connections;
    },
    get refuseWith() {
      return state.refuseWith;
    },
    set refuseWith(v: number | undefined) {
      state.refuseWith = v;
    },
    get refuse() {
      return state.refuse;
    },
    set refuse(v: boolean) {
      state.refuse = v;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    restart: async () => {
      server = watch(make());
      await listen(port);
    },
  };
  Object.defineProperties(handle, {
    refuseLoginWith: access('refuseLoginWith'),
    refuseSenderWith: access('refuseSenderWith'),
    refuseRecipientWith: access('refuseRecipientWith'),
    answerDataAfterMs: access('answerDataAfterMs'),
  });
  return handle as typeof handle & Record<'refuseLoginWith' | 'refuseSenderWith' | 'refuseRecipientWith', number | undefined> & { answerDataAfterMs: number };
}

/** The decoded text of a raw message's headers (for subject checks) — RFC 2047 words decoded. */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (!line) return undefined;
  return line
    .slice(name.length + 1)
    .trim()
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** `POST /api/complaints` with a JSON body, as API clients and the island's JSON fallback send it. */
export function jsonComplaint(body: unknown): Request {
  return new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A valid JSON submission about 张三; override any field. */
export function validSubmission(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'complaint',
    about: 'auxiliary',
    certificateNo: 'SL-CG-0001',
    category: 'hebei-2021:10.1',
    when: '2026-11-20',
    place: '示例市人民路 1 号',
    description: '对方在没有执法人员在场的情况下，单独对我的摊位进行检查并要求交罚款。',
    name: '赵六',
    phone: '13800138000',
    email: 'zhao@citizen.example',
    ...over,
  };
}

/**
 * A JPEG of exactly `bytes` bytes as the intake's metadata walk reads one (SOI, SOS, scan data without 0xFF, EOI):
 * not a viewable picture, but one that passes through unchanged. `salt` varies the scan data deterministically.
 */
export function fakeJpeg(bytes: number, salt = 0): Uint8Array<ArrayBuffer> {
  const head = [0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  const data = new Uint8Array(Math.max(bytes, head.length + 3));
  data.set(head);
  for (let i = head.length; i < data.length - 2; i++) data[i] = (i * 7 + salt * 13) % 255;
  data.set([0xff, 0xd9], data.length - 2);
  return data;
}

/** A PNG of about `bytes` bytes as the metadata walk reads one (IHDR, one IDAT, IEND; CRCs not computed). */
export function fakePng(bytes = 40, salt = 0): Uint8Array<ArrayBuffer> {
  const chunk = (type: string, payload: Uint8Array) => {
    const out = new Uint8Array(12 + payload.length);
    new DataView(out.buffer).setUint32(0, payload.length);
    out.set(Buffer.from(type, 'latin1'), 4);
    out.set(payload, 8);
    return out;
  };
  const idat = Uint8Array.from({ length: Math.max(1, bytes - 8 - 25 - 12 - 12) }, (_, i) => (i * 5 + salt * 11) % 256);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0)),
      chunk('IDAT', idat),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}
