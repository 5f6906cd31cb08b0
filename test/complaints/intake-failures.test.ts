import { beforeAll, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeErrors } from '../../functions/complaints/errors.ts';
import type { Db } from '../../functions/store/index.ts';
import { testWorld, validSubmission } from './support.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Words only the citizen typed: they must never reach the log. */
const PRIVATE = '张家口市桥东区胜利北路 88 号门口的早点摊';

/**
 * A submission that fails outside the form's checks: the store unreachable (503, answers handed back to send again,
 * stored once) or a fault of ours (500). Both say so to the citizen in Chinese, and the log names the error's kind
 * and where it arose — never what was typed.
 */
describeEachStore('a submission the store could not take', (kind) => {
  const real = freshStore(kind);
  /** The store as the functions see it; `failing` makes every call throw what it returns. */
  let failing: (() => Error) | undefined;
  let store: Db;
  let world: Awaited<ReturnType<typeof testWorld>>;
  let handle: ReturnType<typeof complaintFunctions>;
  beforeAll(async () => {
    store = new Proxy(real, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (failing ? Promise.reject(failing()) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    world = await testWorld(store);
    handle = complaintFunctions(world);
  });

  const unreachable = () => Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:5432 ${PRIVATE}`), { code: 'ECONNREFUSED' });
  const bug = () => new TypeError(`Cannot read properties of undefined (reading '${PRIVATE}')`);
  const post = async (body: BodyInit, headers: Record<string, string>) =>
    (await handle(new Request('http://localhost/api/complaints', { method: 'POST', body, headers }), { clientAddress: '127.0.0.1' }))!;
  const postJson = (over: Record<string, unknown> = {}) =>
    post(JSON.stringify(validSubmission({ place: PRIVATE, ...over })), { 'content-type': 'application/json', accept: 'application/json' });
  const postForm = (fields: Record<string, string>) =>
    post(new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
  const hiddenFields = (page: string) =>
    Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  const count = async () => Number((await real.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n);
  const logged = () => world.lines.join('\n');

  it('the island and API clients: 503 with Retry-After when the store is unreachable, 500 for a fault, neither logs what was typed', async () => {
    const before = count();
    failing = unreachable;
    const down = await postJson();
    failing = bug;
    const broken = await postJson();
    failing = undefined;
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('30');
    expect(((await down.json()) as { errors: { request: string } }).errors.request).toBe(intakeErrors.StoreUnavailable.message);
    expect(broken.status).toBe(500);
    expect(broken.headers.get('retry-after')).toBeNull();
    expect(((await broken.json()) as { errors: { request: string } }).errors.request).toBe(intakeErrors.SubmitFailed.message);
    expect(await count()).toBe(await before);
    expect(logged()).toMatch(/POST \/api\/complaints store unavailable: Error ECONNREFUSED/);
    // The fault is named with the place in our code where it arose, so the operator can find it.
    expect(logged()).toMatch(/POST \/api\/complaints unexpected error: TypeError at functions\/[\w/.-]+\.ts:\d+/);
    expect(logged()).not.toContain('store error');
    expect(logged()).not.toContain(PRIVATE.slice(0, 6));
    expect((await postJson()).status).toBe(201);
  });

  it('a plain form post gets its answers back to send again; sent again once the store is back, it is stored once', async () => {
    const before = await count();
    const key = `retry-${kind}-0001`;
    const answers: Record<string, string> = { ...(validSubmission({ place: PRIVATE, idempotencyKey: key }) as Record<string, string>), confirm: '1' };
    failing = unreachable;
    const down = await postForm(answers);
    failing = undefined;
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('30');
    expect(down.headers.get('content-type')).toContain('text/html');
    const page = await down.text();
    expect(page).toContain('您填写的内容保留在本页');
    expect(page).toContain('重新提交');
    expect(page).not.toContain('所附文件未能保存');
    // Every answer is carried back, with the same key and the confirm step.
    const carried = hiddenFields(page);
    for (const field of ['kind', 'about', 'certificateNo', 'category', 'when', 'place', 'description', 'name', 'phone', 'email'])
      expect(carried[field], field).toBe(answers[field]);
    expect(carried.idempotencyKey).toBe(key);
    expect(carried.confirm).toBe('1');
    expect(await count()).toBe(before);

    const again = await postForm(carried);
    expect(again.status).toBe(201);
    const reference = again.headers.get('x-reference');
    const twice = await postForm(carried);
    expect(twice.status).toBe(200);
    expect(twice.headers.get('x-reference')).toBe(reference);
    expect(await count()).toBe(before + 1);
    // 修改 from that page brings the form back with the answers.
    const edit = await postForm({ ...carried, edit: '1' });
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain(PRIVATE);
  });

  it('a plain form post with files says the files must be chosen again; a fault gets a page, not JSON', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(validSubmission({ place: PRIVATE }))) form.append(k, String(v));
    form.append('evidence', new Blob([PNG], { type: 'image/png' }), 'IMG_0001.png');
    failing = unreachable;
    const down = await post(form, { accept: 'text/html' });
    failing = bug;
    const broken = await postForm(validSubmission({ place: PRIVATE, confirm: '1' }) as Record<string, string>);
    failing = undefined;
    expect(down.status).toBe(503);
    expect(await down.text()).toContain('本次所附文件未能保存');
    expect(broken.status).toBe(500);
    expect(broken.headers.get('content-type')).toContain('text/html');
    const page = await broken.text();
    expect(page).toContain(intakeErrors.SubmitFailed.message);
    expect(page).not.toContain(PRIVATE);
    expect(logged()).not.toContain(PRIVATE.slice(0, 6));
  });

  it('修改 on that page while the store is still down brings the answers back again, the kept files’ token too', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(validSubmission({ place: PRIVATE }))) form.append(k, String(v));
    form.append('evidence', new Blob([PNG], { type: 'image/png' }), 'IMG_0001.png');
    const check = await post(form, { accept: 'text/html' });
    expect(check.status).toBe(200);
    const checked = hiddenFields(await check.text());
    expect(checked.evidenceDraft).toBeTruthy();
    failing = unreachable;
    const down = hiddenFields(await (await postForm({ ...checked, confirm: '1' })).text());
    const edit = await postForm({ ...down, edit: '1' });
    failing = undefined;
    expect(edit.status).toBe(503);
    const page = await edit.text();
    expect(page).toContain('您填写的内容保留在本页');
    expect(hiddenFields(page).place).toBe(PRIVATE);
    expect(hiddenFields(page).evidenceDraft).toBe(checked.evidenceDraft);
    // Once the store is back, 修改 shows the form with the kept file named.
    const back = await postForm({ ...hiddenFields(page), edit: '1' });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('证据1.png');
  });
});
