import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { migrate, type Db } from '../../functions/store/index.ts';
import { MAX_REQUEST_BYTES, startServer, type RunningServer } from '../../functions/server/node.ts';
import { MAX_UPLOAD_BYTES } from '../../functions/publish/http.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import { tempDir, testWorld } from '../complaints/support.ts';
import { serveFunctions, unfinishedPost } from './support.ts';

/**
 * Bodies are routed and rate-limited before they are read: a request that will be refused is answered while its
 * body is still arriving (a slow or endless upload ties up nothing), and the server stays usable.
 */
describe('requests are answered before their body is buffered (SQLite)', () => {
  let db: Db;
  let limited: RunningServer;
  beforeAll(async () => {
    db = openSqlite(join(tempDir('gongshi-body-'), 'store.sqlite'));
    await migrate(db);
    limited = await serveFunctions(await testWorld(db, { limits: { ...defaultLimits, rateBurst: 0, ratePerSecond: 0 } }));
  });
  afterAll(async () => {
    await limited?.close();
    await db?.close();
  });

  it('a rate-limited submission gets 429 before its body ends', async () => {
    const answer = await unfinishedPost(limited.url, '/api/complaints', { 'content-type': 'application/json', accept: 'application/json' });
    expect(answer).not.toBe('no answer');
    expect(answer).toMatchObject({ status: 429 });
    expect((answer as { body: string }).body).toContain('提交太频繁');
  });

  it('a post to a path no function claims gets 405 before its body ends; an unsupported type 415', async () => {
    expect(await unfinishedPost(limited.url, '/agencies/', { 'content-type': 'application/json' })).toMatchObject({ status: 405 });
    expect(await unfinishedPost(limited.url, '/api/status', { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
  });

  it('the server still answers afterwards, and a too-large chunked form is refused with 413', async () => {
    expect((await fetch(`${limited.url}/`)).status).toBe(200);
    const big = await fetch(`${limited.url}/api/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`reference=${'A'.repeat(100_000)}`));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(big.status).toBe(413);
  });
});

describe("the server's cap on a request body", () => {
  it("lies above every function's own cap: a 25 MB roster upload reaches the workspace, which answers in its own words", async () => {
    expect(MAX_REQUEST_BYTES).toBeGreaterThan(MAX_UPLOAD_BYTES);
    // A function that reads the whole body and says how much it got (the workspace reads up to MAX_UPLOAD_BYTES).
    const server = await startServer({
      distDir: tempDir('gongshi-cap-'),
      port: 0,
      functions: async (request) => {
        if (new URL(request.url).pathname !== '/upload') return undefined;
        return new Response(String((await request.arrayBuffer()).byteLength), { status: 200 });
      },
    });
    try {
      const upload = await fetch(`${server.url}/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(25 * 1024 * 1024),
      });
      expect(upload.status).toBe(200);
      expect(await upload.text()).toBe(String(25 * 1024 * 1024));
      const beyond = await fetch(`${server.url}/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(MAX_REQUEST_BYTES + 1),
      });
      expect(beyond.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});
