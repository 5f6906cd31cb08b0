import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';
import { stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { tempDir } from './support.ts';

/**
 * A slow network in front of the site for the plain form's post: the first page post to /api/complaints is held (its
 * body read) until `releasePost()`, everything else passes. Held here, not in Playwright's routing: with the post held
 * there, the navigation was aborted (and the browser went down) when the island moved the form, which a slow network
 * never does (Chromium keeps a pending form post through DOM changes). `/__seen/<what>` takes the page's reports.
 */
async function slowServer(upstream: string) {
  let releasePost!: () => void;
  const postReleased = new Promise<void>((done) => (releasePost = done));
  let heldNow!: () => void;
  const held = new Promise<void>((done) => (heldNow = done));
  let posts = 0;
  const reports = new Map<string, { done: (url: string) => void; promise: Promise<string> }>();
  const report = (what: string) => {
    if (!reports.has(what)) {
      let done!: (url: string) => void;
      const promise = new Promise<string>((d) => (done = d));
      reports.set(what, { done, promise });
    }
    return reports.get(what)!;
  };
  const { hostname, port } = new URL(upstream);
  const server = createServer(async (req, res) => {
    const seen = /^\/__seen\/(\w+)/.exec(req.url!);
    if (seen) {
      report(seen[1]!).done(req.url!);
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'POST' && req.url === '/api/complaints' && req.headers.accept?.includes('text/html') && posts++ === 0) {
      heldNow();
      await postReleased;
    }
    const forward = httpRequest({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    forward.end(Buffer.concat(chunks));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    releasePost,
    seen: (what: string) => report(what).promise,
    close: () => {
      releasePost();
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The plain form as the page first showed it, and the element around it (the island's fallback). */
interface Plain {
  plain: HTMLFormElement;
  plainParent: HTMLElement;
}

/**
 * A slow phone: the plain form is on screen and used for many seconds before the island's script arrives. Each test
 * holds every script of the page (dist/_astro/*.js) until the citizen has done something in the plain form, then lets
 * them through and checks that the island took it all over: the answers, the chosen files, the focus and the caret —
 * or, when the plain form was already sent, that the island leaves it alone and nothing is submitted twice.
 */
const reason = stackSkipReason('complaint island takeover', ['complaint/index.html']);

describe.skipIf(reason)('complaint island taking over the plain form on a slow phone', () => {
  let stack: Stack;
  let jpegPath: string;
  let jpeg: Buffer;
  beforeAll(async () => {
    stack = await startStack();
    // A real JPEG, as a phone's camera would give one: drawn and encoded by Chromium.
    const page = await stack.browser.newPage();
    const dataUrl = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#c33';
      g.fillRect(0, 0, 64, 48);
      g.fillStyle = '#fff';
      g.fillRect(8, 8, 24, 16);
      return canvas.toDataURL('image/jpeg', 0.9);
    });
    await page.close();
    jpeg = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    jpegPath = join(tempDir('gongshi-takeover-'), '现场照片.jpg');
    writeFileSync(jpegPath, jpeg);
  });
  afterAll(() => stack?.stop());

  /** A new page whose scripts wait until `release()`; the complaint page is open, its plain form visible. */
  async function slowPage(origin = stack.server.url): Promise<{ page: Page; release: () => void }> {
    const page = await stack.browser.newPage();
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    await page.route('**/_astro/*.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${origin}/complaint/`, { waitUntil: 'domcontentloaded' });
    await page.locator('form.complaint-form').waitFor({ state: 'visible' });
    await page.evaluate(() => {
      (window as unknown as Plain).plain = document.querySelector('form.complaint-form')!;
      (window as unknown as Plain).plainParent = (window as unknown as Plain).plain.parentElement!;
    });
    return { page, release };
  }

  /** Answers a valid complaint about a unit in the form on screen (plain or island), all but the description. */
  async function answer(page: Page, agencyId: string, place: string): Promise<void> {
    await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await page.getByLabel('某行政执法机关招用的辅助人员（不知道是谁）').check();
    await page.locator('#f-agencyId').selectOption(agencyId);
    await page.locator('#f-category').selectOption('other');
    await page.locator('#f-when').fill('2026-11-20');
    await page.locator('#f-place').fill(place);
    await page.locator('#f-name').fill('测试市民');
    await page.locator('#f-phone').fill('13900000000');
  }

  /**
   * Until React has committed the island: Astro drops the island's `ssr` attribute as soon as it has asked React to
   * render, before the render (in slices) is done, so that attribute does not tell. The form then sits elsewhere.
   */
  const hydrated = (page: Page) =>
    page.waitForFunction(() => document.querySelector('form.complaint-form')?.parentElement !== (window as unknown as Plain).plainParent, null, {
      timeout: 30_000,
    });
  const complaintsAt = async (place: string) =>
    (await stack.app.world.store.query<{ id: string; contents: string }>('SELECT id, contents FROM complaints')).filter(
      (c) => (JSON.parse(c.contents) as { place?: string }).place === place,
    );

  it('keeps every answer, the chosen photo, the focus and the caret, and sends the photo once with the complaint', async () => {
    const agency = stack.app.world.directory.agencies.find((a) => a.oversight && a.parent)!;
    const place = '接管测试路口';
    const { page, release } = await slowPage();
    await answer(page, agency.id, place);
    await page.locator('#f-email').fill('takeover@citizen.example');
    await page.locator('#f-evidence').setInputFiles(jpegPath);
    const description = page.locator('#f-description');
    await description.fill('城管队员在摊位前单独罚款。');
    // The citizen is typing in the middle of the description: the caret after 城管队员 (4 characters).
    await description.focus();
    await description.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(4, 4));
    await page.keyboard.type('两名');
    expect(await page.locator('astro-island[ssr]').count(), 'all that was done before the island ran').toBe(1);

    release();
    await hydrated(page);
    expect(
      await page.evaluate(() => document.querySelector('form.complaint-form') !== (window as unknown as Plain).plain),
      'the island replaced the plain form',
    ).toBe(true);

    // Every answer.
    expect(await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').isChecked()).toBe(true);
    expect(await page.getByLabel('某行政执法机关招用的辅助人员（不知道是谁）').isChecked()).toBe(true);
    expect(await page.locator('#f-agencyId').inputValue()).toBe(agency.id);
    expect(await page.locator('#f-category').inputValue()).toBe('other');
    expect(await page.locator('#f-when').inputValue()).toBe('2026-11-20');
    expect(await page.locator('#f-place').inputValue()).toBe(place);
    expect(await page.locator('#f-name').inputValue()).toBe('测试市民');
    expect(await page.locator('#f-phone').inputValue()).toBe('13900000000');
    expect(await page.locator('#f-email').inputValue()).toBe('takeover@citizen.example');
    expect(await description.inputValue()).toBe('城管队员两名在摊位前单独罚款。');
    // The photo, in the island's own file field.
    expect(await page.locator('#f-evidence').evaluate((el: HTMLInputElement) => [...el.files!].map((f) => [f.name, f.size]))).toEqual([
      ['现场照片.jpg', jpeg.length],
    ]);
    // The focus and the caret: typing goes on where it stopped.
    expect(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLTextAreaElement;
        return [el.id, el.selectionStart, el.selectionEnd];
      }),
    ).toEqual(['f-description', 6, 6]);
    await page.keyboard.type('一起');
    expect(await description.inputValue()).toBe('城管队员两名一起在摊位前单独罚款。');
    expect(await page.locator('#f-description-hint').textContent(), 'the island counts what was typed').toContain(
      `已写 ${'城管队员两名一起在摊位前单独罚款。'.length} 字`,
    );

    await page.getByRole('button', { name: '下一步：核对' }).click();
    await page.locator('h2#check-title').waitFor();
    expect(await page.locator('.check-answers').textContent()).toContain('现场照片.jpg');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/complaints');
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!;
    expect((await posted).headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);

    const stored = await complaintsAt(place);
    expect(stored, 'one complaint, stored once').toHaveLength(1);
    const [row] = await stack.app.world.store.query<{ reference: string }>('SELECT reference FROM complaints WHERE id = ?', [stored[0]!.id]);
    expect(row!.reference).toBe(reference);
    const evidence = await stack.app.world.store.query<{ type: string; size: number; data: Uint8Array }>(
      'SELECT type, size, data FROM evidence WHERE complaint_id = ?',
      [stored[0]!.id],
    );
    expect(evidence.map((f) => [f.type, Number(f.size)])).toEqual([['image/jpeg', jpeg.length]]);
    expect(Buffer.from(evidence[0]!.data).equals(jpeg), 'the stored file is the chosen photo, byte for byte').toBe(true);
    await page.close();
  });

  it('loses no character typed straight through the takeover, on a slow processor', async () => {
    const { page, release } = await slowPage();
    const cdp = await page.context().newCDPSession(page);
    // A slow phone's processor: React renders the island in slices, and keys pressed between them reach the plain form.
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
    const description = page.locator('#f-description');
    await description.fill('开头');
    await description.focus();
    const typed = '对方没有出示执法证件就要求我交罚款并且拿走了三轮车上的货物我说要看证件他们不给看还推了我一把';
    release();
    await page.keyboard.type(typed, { delay: 15 });
    await hydrated(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    expect(await description.inputValue()).toBe(`开头${typed}`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-description');
    await page.keyboard.type('。');
    expect(await description.inputValue()).toBe(`开头${typed}。`);
    await page.close();
  });

  it('checks a file chosen before the script arrived as it checks one chosen in the island', async () => {
    const agency = stack.app.world.directory.agencies.find((a) => a.oversight && a.parent)!;
    const notAPicture = join(tempDir('gongshi-takeover-'), 'photo.jpg');
    writeFileSync(notAPicture, 'not a picture at all');
    const { page, release } = await slowPage();
    await answer(page, agency.id, '类型检查路口');
    await page.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车。');
    await page.locator('#f-evidence').setInputFiles(notAPicture);
    release();
    await hydrated(page);
    await page.getByRole('button', { name: '下一步：核对' }).click();
    await expect.poll(() => page.locator('#f-evidence-error').textContent(), { timeout: 10_000 }).toContain(evidenceMessages.wrongType(1));
    expect(await page.locator('#check-title').count()).toBe(0);
    await page.close();
  });

  it('keeps focus on a radio and on a field the island shows only for its answer', async () => {
    const { page, release } = await slowPage();
    await page.getByLabel('一名辅助人员（知道证件编号）').check();
    await page.locator('#f-certificateNo').fill('NO-1234');
    await page.locator('#f-certificateNo').evaluate((el: HTMLInputElement) => el.setSelectionRange(2, 5));
    release();
    await hydrated(page);
    expect(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement;
        return [el.id, el.value, el.selectionStart, el.selectionEnd];
      }),
    ).toEqual(['f-certificateNo', 'NO-1234', 2, 5]);
    await page.close();

    const radio = await slowPage();
    await radio.page.getByLabel('举报（可以匿名；匿名举报不会收到办理反馈）').check();
    radio.release();
    await hydrated(radio.page);
    expect(await radio.page.evaluate(() => [(document.activeElement as HTMLInputElement).name, (document.activeElement as HTMLInputElement).value])).toEqual([
      'kind',
      'report',
    ]);
    expect(await radio.page.getByLabel('举报（可以匿名；匿名举报不会收到办理反馈）').isChecked()).toBe(true);
    await radio.page.close();
  });

  it('leaves a plain form already sent alone: the impatient citizen gets one complaint, not two', async () => {
    const agency = stack.app.world.directory.agencies.find((a) => a.oversight && a.parent)!;
    const place = '已提交测试路口';
    const slow = await slowServer(stack.server.url);
    try {
      const { page, release } = await slowPage(slow.url);
      await answer(page, agency.id, place);
      await page.locator('#f-description').fill('几名穿制服的人在市场里单独罚款，没有看到执法人员。');
      await page.locator('#f-evidence').setInputFiles(jpegPath);
      // While the browser waits for the plain form's answer, Playwright waits with it and cannot look into the page:
      // the page reports what it sees to the test's server, and the impatient citizen is played by the page itself —
      // once the island has run, they press 下一步：核对 again and 确认提交 wherever a check step is offered.
      await page.evaluate(() => {
        const { plain, plainParent } = window as unknown as Plain;
        const press = (words: string) => [...document.querySelectorAll('button')].find((b) => b.textContent === words)?.click();
        const watch = setInterval(() => {
          const form = document.querySelector('form.complaint-form');
          if (document.querySelector('astro-island[ssr]') || form?.parentElement === plainParent) return;
          clearInterval(watch);
          const files = document.querySelector<HTMLInputElement>('#f-evidence')?.files?.length;
          void fetch(`/__seen/hydrated?same=${form === plain && plain.isConnected}&files=${files}`);
          setTimeout(() => {
            press('下一步：核对');
            setTimeout(() => {
              const islandCheck = !!document.querySelector('h2#check-title');
              void fetch(`/__seen/pressed?islandCheck=${islandCheck}`);
              if (islandCheck) press('确认提交');
            }, 1_000);
          }, 200);
        }, 50);
        // Pressed as a finger would; Playwright's click would wait for the navigation it starts, held here on purpose.
        setTimeout(() => press('下一步：核对'));
      });
      await slow.held;
      release();
      const atTakeover = new URL(await slow.seen('hydrated'), slow.url).searchParams;
      expect([atTakeover.get('same'), atTakeover.get('files')], 'the island stood aside: the plain form, being sent, stays as it was').toEqual(['true', '1']);
      // No report when the press sent the plain form again: the page has gone to the answer to that.
      const pressed = await Promise.race([slow.seen('pressed'), new Promise<undefined>((done) => setTimeout(done, 3_000))]);
      // The island's own post, if it made one, has had time to arrive.
      await new Promise((done) => setTimeout(done, 1_000));
      slow.releasePost();

      await page.locator('h1#check-title').waitFor({ timeout: 20_000 });
      expect(await page.locator('.check-answers').textContent()).toContain('证据1.jpg');
      await page.getByRole('button', { name: '确认提交' }).click();
      await page.locator('#reference').waitFor({ timeout: 10_000 });
      expect(pressed && new URL(pressed, slow.url).searchParams.get('islandCheck'), 'the island offered no check step of its own').not.toBe('true');
      expect(await complaintsAt(place), 'one complaint, stored once').toHaveLength(1);
      await page.close();
    } finally {
      await slow.close();
    }
  });
});
