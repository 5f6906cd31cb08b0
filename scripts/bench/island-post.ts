/** What the complaint island posts (JSON; multipart for the one in ten with a ~200 KB JPEG — BENCH_EVIDENCE_EVERY), and the PostgreSQL probe and clean-up the intake benches share. */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { submissionBody } from '../../src/islands/complaint/submission-body.ts';
import { cpuOfProcesses, waitOfProcesses } from './harness.ts';

export const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** One submission in this many carries the photo: 10 unless BENCH_EVIDENCE_EVERY says otherwise (a huge number: none). */
export const EVIDENCE_EVERY = evidenceEvery(process.env.BENCH_EVIDENCE_EVERY);
export const EVIDENCE = readFileSync(join(import.meta.dirname, 'fixtures/evidence.jpg'));

function evidenceEvery(setting: string | undefined): number {
  if (!setting) return 10;
  const every = Number(setting);
  if (!Number.isSafeInteger(every) || every < 1) throw new Error(`BENCH_EVIDENCE_EVERY="${setting}" is not a whole number of 1 or more`);
  return every;
}

/** The submission's number in its place, fixed width so that a pre-encoded body (islandBodies) can take any number. */
const placeNumber = (n: number): string => String(n % 1e8).padStart(8, '0');

/** A submission's fields as the island fills them (the bare side posts the same values as JSON). */
export function complaintFields(n: number, certificateNo: string): Record<string, string> {
  return {
    kind: 'complaint',
    about: 'auxiliary',
    certificateNo,
    agencyId: '',
    region: '',
    category: 'other',
    when: '2026-11-20',
    place: `示例路 ${placeNumber(n)} 号`,
    description: '对方在没有执法人员在场的情况下单独检查摊位并要求交罚款。',
    name: '测试',
    phone: '13800000000',
    email: '',
    website: '',
  };
}

/** The island's `send` (its own encoder, submissionBody): JSON, or multipart with the photo as `evidence` one time in EVIDENCE_EVERY. */
export function islandBody(n: number, certificateNo: string, idempotencyKey = randomUUID()): { body: string | FormData; headers: Record<string, string> } {
  const photo = n % EVIDENCE_EVERY === 0 ? [new File([EVIDENCE], 'IMG_0001.jpg', { type: 'image/jpeg' })] : [];
  return submissionBody({ ...complaintFields(n, certificateNo), idempotencyKey }, photo);
}

export interface EncodedBody {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/**
 * The island's bodies for a load generator: each kind (JSON without the photo, multipart with it) encoded once, as
 * fetch encodes them, and then copied per request with its own idempotency key and place number —
 * the same bytes the server would get from `islandBody`. Encoding a FormData per request cost the load generator
 * ~0.7 ms of CPU per submission (multipart), on the two cores the server under test also runs on.
 */
export async function islandBodies(certificateNo: string): Promise<(n: number) => EncodedBody> {
  const KEY = '00000000-0000-4000-8000-000000000000';
  const encode = async (n: number) => {
    const { body: sent, headers } = islandBody(n, certificateNo, KEY);
    const encoded = new Response(sent, { headers });
    const body = Buffer.from(await encoded.arrayBuffer());
    const place = Buffer.from(complaintFields(n, certificateNo).place!);
    const at = (needle: Buffer | string) => {
      const i = body.indexOf(needle);
      if (i < 0 || body.indexOf(needle, i + 1) >= 0) throw new Error(`islandBodies: ${String(needle)} is not in the template exactly once`);
      return i;
    };
    return { body, contentType: encoded.headers.get('content-type')!, key: at(KEY), number: at(place) + place.indexOf(placeNumber(n)) };
  };
  const plain = await encode(1);
  const withPhoto = await encode(0);
  return (n) => {
    const template = n % EVIDENCE_EVERY === 0 ? withPhoto : plain;
    const body = new Uint8Array(template.body);
    const view = Buffer.from(body.buffer);
    view.write(randomUUID(), template.key, 'latin1');
    view.write(placeNumber(n), template.number, 'latin1');
    return { body, contentType: template.contentType };
  };
}

/** Whether PostgreSQL answers at TEST_DATABASE_URL; says why not, so the bench runs on SQLite only. */
export async function postgresReachable(): Promise<boolean> {
  try {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
    return true;
  } catch (error) {
    console.log(`PostgreSQL not reachable at TEST_DATABASE_URL (${(error as Error).message}): SQLite only`);
    return false;
  }
}

const PG_DATABASE = new URL(PG_URL).pathname.slice(1) || 'postgres';

/** The live PostgreSQL backends serving PG_URL's database (the bench's connections). */
const BACKENDS = { comm: /^postgres$/, cmdline: new RegExp(`postgres: .* \\S+ ${PG_DATABASE} `) };

/** user+sys so far of the backends. */
export function backendsCpuSeconds(): number {
  return cpuOfProcesses(BACKENDS);
}

/** How long so far the backends have waited in the run queue for a core (harness.ts processSched). */
export function backendsWaitSeconds(): number {
  return waitOfProcesses(BACKENDS);
}

/** PG_URL with every connection's search_path set to `schema`. */
export function schemaUrl(schema: string): string {
  return `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
}

/** A fresh PostgreSQL schema for one bench round (its name); dropSchema drops it. */
export async function createSchema(): Promise<string> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(PG_URL);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return schema;
}

/** Drops a bench round's PostgreSQL schema. */
export async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client(PG_URL);
  await admin.connect();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
