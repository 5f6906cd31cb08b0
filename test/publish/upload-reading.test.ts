import { describe, expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { publishFunctions } from '../../functions/publish/http.ts';
import { workerRosterParser, type RosterParser } from '../../functions/publish/roster-parser.ts';
import { minimalXlsx, sheetXml, zip } from '../roster/zip-writer.ts';
import { client, csv, EXPORT_HEADER, publishWorld, signedIn } from './support.ts';
import { freshStore, smtpServer } from '../support/stores.ts';

/**
 * Uploads are read off the request thread (functions/publish/roster-parser.ts), within the platform's zip limits
 * (src/import/roster/zip-limits.ts): the security review's two findings — a small XLSX that froze the server, and
 * the memory it took — as tests. One store is enough: reading does not touch it.
 */

const count = async (db: Db, table: string) => Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

/** A legal roster of `rows` people of the signed-in agency, as SheetJS writes an XLSX (compressed). */
async function largeWorkbook(rows: number): Promise<Uint8Array> {
  const XLSX = await import('@e965/xlsx');
  const data: string[][] = [EXPORT_HEADER];
  for (let i = 0; i < rows; i++) {
    const name = `${String.fromCodePoint(0x738b + (i % 7))}${String.fromCodePoint(0x4e00 + (i % 4000))}${String.fromCodePoint(0x4e8c + ((i >> 5) % 300))}`;
    data.push([name, '', `CG-W${String(i).padStart(6, '0')}`, '协管员', '在岗']);
  }
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(data), '名单');
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer);
}

/** The shape of the review's bomb: rows of 12 random hex digits and 3,000 × `x`, inline strings, just over the 100 MB sheet limit. */
async function bomb(): Promise<Uint8Array> {
  const rows: string[][] = [['姓名', '证件编号']];
  const hex = () =>
    Math.floor(Math.random() * 16 ** 6)
      .toString(16)
      .padStart(6, '0');
  const filler = 'x'.repeat(3000);
  while (rows.length * 3_050 < 101 * 2 ** 20) rows.push([`${hex()}${hex()}`, filler]);
  return zip(minimalXlsx(sheetXml(rows)));
}

describe('reading uploads', () => {
  const db = freshStore('sqlite');
  const smtp = smtpServer();
  let address = 100;
  /** A clerk of city-cgj signed in to a workspace whose uploads `parser` reads. */
  const clerkWith = async (parser?: RosterParser) => {
    const world = await publishWorld(db);
    const handler = publishFunctions(world, undefined, parser ? { parser } : {});
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example', `192.0.2.${address++}`, handler);
    return { world, handler, clerk };
  };

  it('refuses a zip bomb by the sizes it declares, with a message naming the file and the limit, and stores nothing', async () => {
    const { clerk } = await clerkWith();
    const bytes = await bomb();
    expect(bytes.length).toBeLessThan(4 * 2 ** 20);
    const drafts = await count(db, 'roster_drafts');
    const response = await clerk.upload('花名册-2026-11-20.xlsx', bytes);
    expect(response.status).toBe(422);
    expect(response.text).toContain(
      '花名册-2026-11-20.xlsx：文件异常：工作表解压后超过 100 MB（本平台的上限：一份名单最多按 100,000 行、每行约 1 KB 计），超出了允许的范围（可能是损坏的文件或“压缩炸弹”），未读取。',
    );
    expect(await count(db, 'roster_drafts')).toBe(drafts);
  }, 120_000);

  it('answers other requests while a large legal workbook is being read', async () => {
    let reading!: () => void;
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    let parsed = false;
    const worker = workerRosterParser({ onReading: () => reading() });
    const parser: RosterParser = {
      parse: async (input) => {
        const outcome = await worker.parse(input);
        parsed = true;
        return outcome;
      },
    };
    const { world, handler, clerk } = await clerkWith(parser);
    const bytes = await largeWorkbook(40_000);
    const order: string[] = [];
    const upload = clerk.upload('花名册-2026-11-20.xlsx', bytes).then((r) => {
      order.push('upload');
      return r;
    });
    // The reader has the workbook; the next turn of the event loop comes only once the request thread is free.
    await started;
    await new Promise((resolve) => setImmediate(resolve));
    const other = await client(world, '198.51.100.200', handler).get('/publish/');
    order.push('other');
    const stillReading = !parsed;
    expect(other.status).toBe(200);
    expect(other.text).toContain('示例市城市管理综合行政执法局');
    const done = await upload;
    expect(done.status).toBe(200);
    expect(done.text).toContain('name="draft"');
    expect(stillReading).toBe(true);
    expect(order).toEqual(['other', 'upload']);
  }, 120_000);

  it('reads one upload at a time: a second one meanwhile is refused with 503 and a message', async () => {
    let reading!: () => void;
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    const { clerk } = await clerkWith(workerRosterParser({ onReading: () => reading() }));
    const first = clerk.upload('花名册-2026-11-20.xlsx', await largeWorkbook(20_000));
    await started;
    const second = await clerk.upload('另一份-2026-11-20.csv', csv([EXPORT_HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗']]));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('60');
    expect(second.text).toContain('服务器正在检查另一份上传的名单');
    expect(second.text).toContain('「另一份-2026-11-20.csv」未读取。请在 1 分钟后重新上传。');
    expect((await first).status).toBe(200);
  }, 120_000);

  it('a reading thread ended by its heap limit gives a clear message, leaves nothing half-published, and the next upload is read', async () => {
    const { clerk } = await clerkWith(workerRosterParser({ maxHeapMb: 16 }));
    const drafts = await count(db, 'roster_drafts');
    const versions = await count(db, 'roster_versions');
    const response = await clerk.upload('花名册-2026-11-20.xlsx', await largeWorkbook(40_000));
    expect(response.status).toBe(422);
    expect(response.text).toContain('名单有问题，未保存');
    expect(response.text).toContain('检查「花名册-2026-11-20.xlsx」所需的内存超过本平台的上限（16 MB），已停止，没有保存任何内容。');
    expect(await count(db, 'roster_drafts')).toBe(drafts);
    expect(await count(db, 'roster_versions')).toBe(versions);
    const next = await clerk.upload('花名册-2026-11-21.csv', csv([EXPORT_HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗']]));
    expect(next.status).toBe(200);
    expect(await count(db, 'roster_drafts')).toBe(drafts + 1);
  }, 120_000);

  it('a reading thread past its time is stopped, with a message', async () => {
    const { clerk } = await clerkWith(workerRosterParser({ timeoutMs: 1 }));
    const drafts = await count(db, 'roster_drafts');
    const response = await clerk.upload('花名册-2026-11-20.csv', csv([EXPORT_HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗']]));
    expect(response.status).toBe(422);
    expect(response.text).toContain('检查「花名册-2026-11-20.csv」超过 1 毫秒（本平台的上限）仍未完成，已停止，没有保存任何内容。');
    expect(await count(db, 'roster_drafts')).toBe(drafts);
  });
});
