import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { tokenBucketWait } from '../../functions/complaints/rate.ts';
import { formPage } from '../../functions/complaints/pages.ts';
import { categoryGroups } from '../../src/core/complaint/choices.ts';
import { complaintInputSchema, toFieldErrors } from '../../src/core/complaint/schema.ts';
import { renderComplaintForm } from '../../src/core/complaint/form-html.ts';
import type { Db } from '../../functions/store/index.ts';
import { fakeJpeg, freshDb, manualClock, pgSkipReason, testDirectory, testWorld, validSubmission } from './support.ts';

/** What a citizen trial found on the no-JS path: rate limit, large photos, a description of dots, the category list. */
const PAGE = { accept: 'text/html,application/xhtml+xml' };
const URLENCODED = { 'content-type': 'application/x-www-form-urlencoded' };
const hiddenOf = (page: string) => Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
const formOf = (fields: Record<string, unknown>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, String(v));
  return data;
};

describe('tokenBucketWait', () => {
  it('says how long until a token, and gives one back', () => {
    const bucket = tokenBucketWait(2, 1 / 30);
    expect(bucket.take('192.0.2.1', 0)).toBeUndefined();
    expect(bucket.take('192.0.2.1', 0)).toBeUndefined();
    expect(bucket.take('192.0.2.1', 0)).toBe(30_000);
    expect(bucket.take('192.0.2.1', 12_000)).toBeCloseTo(18_000);
    bucket.refund('192.0.2.1');
    expect(bucket.take('192.0.2.1', 12_000)).toBeUndefined();
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason)(`no-JS posts over the rate limit (${kind})`, () => {
    let db: Db;
    let clock: ReturnType<typeof manualClock>;
    let handle: ReturnType<typeof complaintFunctions>;
    let address = 0;
    beforeAll(async () => {
      db = await freshDb(kind);
      clock = manualClock();
      const base = await testWorld(db);
      // Burst 2, then one token every 30 s (the default rate).
      handle = complaintFunctions({ ...base, clock, limits: { ...base.limits, rateBurst: 2, ratePerSecond: 1 / 30 } });
    });
    afterAll(() => db?.close());

    const count = async (table: string) => Number((await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
    /** A fresh client address per test: each starts with a full bucket. */
    const client = () => {
      const clientAddress = `198.51.100.${++address}`;
      return (body: BodyInit, headers: Record<string, string> = PAGE) =>
        handle(new Request('http://localhost/api/complaints', { method: 'POST', body, headers }), { clientAddress }).then((r) => r!);
    };
    const urlencoded = (fields: Record<string, unknown>) => new URLSearchParams(fields as Record<string, string>).toString();

    it('修改 costs no token: check page and 修改 back and forth, only the check pages count', async () => {
      const post = client();
      const answers = validSubmission({ idempotencyKey: `edit-free-${kind}` });
      for (let round = 0; round < 2; round++) {
        expect((await post(formOf(answers))).status).toBe(200);
        const edit = await post(urlencoded({ ...answers, edit: '1' }), { ...PAGE, ...URLENCODED });
        expect(edit.status).toBe(200);
        expect(await edit.text()).toContain('value="示例市人民路 1 号"');
      }
      expect((await post(formOf(answers))).status).toBe(429);
    });

    it('the check page posted over the limit: the wait in seconds, the answers kept to send again, nothing stored; after the wait it files once', async () => {
      const post = client();
      const complaints = await count('complaints');
      const drafts = await count('evidence_drafts');
      const answers = validSubmission({ idempotencyKey: `limited-${kind}` });
      expect((await post(formOf(answers))).status).toBe(200);
      expect((await post(formOf(answers))).status).toBe(200);
      const limited = await post(urlencoded({ ...answers, confirm: '1' }), { ...PAGE, ...URLENCODED });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
      const page = await limited.text();
      expect(page).toContain('请 30 秒后再提交');
      expect(page).toContain('您填写的内容保留在本页，没有丢失');
      const hidden = hiddenOf(page);
      expect(hidden).toMatchObject({ description: answers.description, phone: answers.phone, confirm: '1', idempotencyKey: `limited-${kind}` });
      expect(await count('complaints')).toBe(complaints);
      expect(await count('evidence_drafts')).toBe(drafts);
      // 修改 from that page brings the form back even while limited.
      const edit = await post(urlencoded({ ...hidden, edit: '1' }), { ...PAGE, ...URLENCODED });
      expect(edit.status).toBe(200);
      expect(await edit.text()).toContain(String(answers.description));
      // 12 s later: 18 s to go.
      clock.advance(12_000);
      const still = await post(urlencoded(hidden), { ...PAGE, ...URLENCODED });
      expect(still.status).toBe(429);
      expect(await still.text()).toContain('请 18 秒后再提交');
      clock.advance(31_000);
      const filed = await post(urlencoded(hidden), { ...PAGE, ...URLENCODED });
      expect(filed.status).toBe(201);
      expect(await count('complaints')).toBe(complaints + 1);
    });

    it('a form post with photos over the limit is not read: the wait and the Back button; JSON stays as it was', async () => {
      const post = client();
      const answers = validSubmission();
      expect((await post(formOf(answers))).status).toBe(200);
      expect((await post(formOf(answers))).status).toBe(200);
      const form = formOf(answers);
      form.append('evidence', new Blob([fakeJpeg(200_000)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
      const limited = await post(form);
      expect(limited.status).toBe(429);
      const page = await limited.text();
      expect(page).toContain('请 30 秒后再提交');
      expect(page).toContain('请用浏览器的「返回」按钮回到上一页');
      expect(page).not.toContain('name="description"');
      const json = await post(JSON.stringify(answers), { 'content-type': 'application/json', accept: 'application/json' });
      expect(json.status).toBe(429);
      expect(json.headers.get('retry-after')).toBe('60');
      expect(await json.json()).toEqual({ errors: { request: '提交太频繁，请稍后再试' } });
    });
  });
}

describe('no-JS intake: what the trial found', () => {
  let db: Db;
  let handle: ReturnType<typeof complaintFunctions>;
  beforeAll(async () => {
    db = await freshDb('sqlite');
    handle = complaintFunctions(await testWorld(db));
  });
  afterAll(() => db?.close());
  const post = (body: BodyInit) =>
    handle(new Request('http://localhost/api/complaints', { method: 'POST', body, headers: PAGE }), { clientAddress: '203.0.113.20' }).then((r) => r!);

  it('a photo over 5 MB is refused with a way forward', async () => {
    const form = formOf(validSubmission());
    form.append('evidence', new Blob([fakeJpeg(6 * 1024 * 1024)], { type: 'image/jpeg' }), 'IMG_0002.jpg');
    const response = await post(form);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('第 1 个证据文件超过 5 MB，可以截图后上传截图，或在手机相册里“编辑/调整大小”后再选');
  });

  it('a description of spaces and punctuation does not reach the minimum; ten Han characters do', async () => {
    const dots = ' '.repeat(10) + '。'.repeat(10);
    const refused = await post(formOf(validSubmission({ description: dots })));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('请至少用 10 个字描述发生了什么');
    const errors = (description: string) => {
      const parsed = complaintInputSchema.safeParse(validSubmission({ description }));
      return parsed.success ? {} : toFieldErrors(parsed.error.issues);
    };
    expect(errors(dots).description).toMatch(/^请至少用 10 个字/);
    expect(errors('好好好。。。。！！？？').description).toMatch(/^请至少用 10 个字/);
    expect(errors('……——!!!???...---').description).toMatch(/^请至少用 10 个字/);
    expect(errors('他没有出示证件就罚款了。').description).toBeUndefined();
    expect(errors('车牌 12345，罚款 200').description).toBeUndefined();
    // The island checks with this very schema (one module, bundled).
    const island = readFileSync(join(import.meta.dirname, '../../src/islands/ComplaintForm.tsx'), 'utf8');
    expect(island).toMatch(/import \{[^}]*\bcomplaintInputSchema\b[^}]*\} from '..\/core\/complaint\/schema\.ts'/);
    expect(island).toContain('complaintInputSchema.safeParse(');
  });
});

describe('the category list', () => {
  it('says 征求意见稿 once per group, keeps the legal status, and names the regulation of each group', async () => {
    const directory = await testDirectory();
    const groups = categoryGroups(directory);
    const draft = groups.filter((g) => g.title.includes('征求意见稿'));
    expect(draft.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.title.split('征求意见稿').length - 1, g.title).toBeLessThanOrEqual(1);
    for (const g of draft) expect(g.title).toContain('六安市行政执法辅助人员管理办法（征求意见稿，不具有法律效力）');
    // The 胸牌 rule is in both regulations (河北 第二十条, 六安 第21条): once in each regulation's groups.
    const badge = groups.flatMap((g) => g.options.filter((o) => o.label.includes('胸牌')).map((o) => ({ group: g.title, label: o.label, code: o.code })));
    expect(badge.map((b) => b.code.split(':')[0]).sort()).toEqual(['hebei-2021', 'luan-draft']);
    expect(badge.find((b) => b.code.startsWith('hebei-2021'))!.group).toMatch(/^河北省行政执法辅助人员管理办法 · /);
    expect(badge.find((b) => b.code.startsWith('luan-draft'))!.group).toMatch(/^六安市行政执法辅助人员管理办法（征求意见稿，不具有法律效力） · /);
    // The plain form and the function's re-rendered form show these group labels.
    for (const page of [
      renderComplaintForm({ values: {}, errors: {}, categoryGroups: groups, agencies: [], regions: [] }),
      formPage(directory, {}, {}, 'key-00000001'),
    ]) {
      expect(page).not.toMatch(/征求意见稿）（征求意见稿/);
      expect(page).toContain('<optgroup label="六安市行政执法辅助人员管理办法（征求意见稿，不具有法律效力） · ');
    }
  });
});
