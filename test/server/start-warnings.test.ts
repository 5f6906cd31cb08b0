import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../complaints/support.ts';
import { hashTrackingCode, keyId, newReference, newTrackingCode } from '../../functions/complaints/reference.ts';
import { migrate, sqlitePath } from '../../functions/store/index.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { startLog as startLogOf } from '../support/start-log.ts';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'k3Jq9-Zt7wPx2-Lm4Vb8-Rn6Ys1-Hd5Gf0-Qc';

/** `npm start` on the tests' built site, with a deployment's settings unset unless `extra` gives them. */
function startLog(extra: Record<string, string>, whileUp?: (url: string) => Promise<void>): Promise<string> {
  const env = {
    OUT_DIR: distDir,
    VAR_DIR: tempDir('gongshi-warn-'),
    DATABASE_URL: '',
    SECRET,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    SITE_OWNER: '',
    CONTENT_DIR: '',
    ...extra,
  };
  return startLogOf(env, whileUp);
}

/**
 * A deployment (SITE_URL set) started with the repository's sample content or without a 主办单位 is told so at start:
 * a clerk's roster would otherwise be rebuilt from the sample province, and every footer says there is no owner.
 */
describe.skipIf(!siteBuilt())('npm start warns a deployment of what it most likely did not mean', { timeout: 60_000 }, () => {
  it('the sample content and no SITE_OWNER under a SITE_URL: both named; its own content and owner: neither', async () => {
    const careless = await startLog({ SITE_URL: 'https://gongshi.example.gov.cn' });
    expect(careless).toContain(`内容目录：${join(root, 'content')}`);
    expect(careless).toContain('注意：CONTENT_DIR 没有设置，用的是仓库自带的示例内容');
    expect(careless).toContain('注意：SITE_OWNER 没有设置');
    expect(careless).toContain('注意：SITE_ICP 没有设置');
    const own = tempDir('gongshi-own-content-');
    const careful = await startLog({
      SITE_URL: 'https://gongshi.example.gov.cn',
      CONTENT_DIR: own,
      SITE_OWNER: '献县司法局',
      SITE_ICP: '冀ICP备2026000001号-1',
    });
    expect(careful).toContain(`内容目录：${own}`);
    expect(careful).not.toContain('注意：');
    // A local run (no SITE_URL) is the sample's home: no warnings.
    expect(await startLog({ SITE_URL: '' })).not.toContain('注意：');
  });
});

/** The footer's filing numbers (src/core/filings.ts): shown when set, a value not shaped like one stops the start. */
describe.skipIf(!siteBuilt())("npm start and the footer's filing numbers", { timeout: 60_000 }, () => {
  it('a malformed SITE_ICP stops it, naming the setting; well-formed ones are in the footer of the pages it renders', async () => {
    const refused = await startLog({ SITE_ICP: '备案号12345' }).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(refused).toContain('start exited (1)');
    expect(refused).toContain('SITE_ICP 的格式不对');
    expect(refused).not.toMatch(/^\s+at /m);
    let page = '';
    await startLog({ SITE_ICP: '冀ICP备2026000001号-1', SITE_PSB: '冀公网安备13098202000001号', SITE_GOV_ID: '1309820001' }, async (url) => {
      // A page the functions render (a form post they refuse), not one the build wrote.
      const response = await fetch(`${url}/api/complaints`, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'text/plain' }, body: 'x' });
      page = await response.text();
    });
    expect(page).toContain('<a href="https://beian.miit.gov.cn/" rel="noreferrer">冀ICP备2026000001号-1</a>');
    expect(page).toContain('<a href="https://beian.mps.gov.cn/#/query/webSearch?code=13098202000001" rel="noreferrer">冀公网安备13098202000001号</a>');
    expect(page).toContain('政府网站标识码：1309820001');
  });
});

/**
 * Tracking codes hashed under a key that is configured nowhere fail every lookup, for good: `npm start` counts them
 * and says which setting brings them back (SECRET_RETIRED), without printing any key.
 */
describe.skipIf(!siteBuilt())('npm start and tracking codes made under keys no longer configured', { timeout: 60_000 }, () => {
  it('warns with their number and key id; with the old key in SECRET_RETIRED no warning, a note that it is still needed', async () => {
    const oldKey = 'Wr8mT3-bN6vQz1-Kc4yPh7-Sd2gLx9-Fj5uAe0';
    const varDir = tempDir('gongshi-keys-');
    const db = openSqlite(sqlitePath(varDir));
    await migrate(db);
    const insert = (hash: string) =>
      db.run(
        `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, category, target, contents, created_at, updated_at)
           VALUES (?, ?, ?, 'complaint', 'resolved', 'renqiu-cgj', 'other', '{}', '{}', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:00.000Z')`,
        [newReference(), newReference(), hash],
      );
    await insert(hashTrackingCode(newTrackingCode(), oldKey));
    await insert(hashTrackingCode(newTrackingCode(), oldKey));
    await insert(hashTrackingCode(newTrackingCode(), SECRET));
    await db.close();

    const lost = await startLog({ VAR_DIR: varDir });
    expect(lost).toContain(`注意：2 件投诉的查询码由已不在配置中的密钥生成（密钥编号 ${keyId(oldKey)}），查询会失败：请把原密钥放入 SECRET_RETIRED`);
    const kept = await startLog({ VAR_DIR: varDir, SECRET_RETIRED: oldKey });
    expect(kept).not.toContain('注意：');
    expect(kept).toContain('2 件投诉的查询码仍可能要用 SECRET_PREVIOUS 或 SECRET_RETIRED 中的密钥核对');
    for (const log of [lost, kept]) {
      expect(log).not.toContain(oldKey);
      expect(log).not.toContain(SECRET);
    }
  });
});
