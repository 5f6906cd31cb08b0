import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsFunctions } from '../../functions/stats/http.ts';
import type { Db } from '../../functions/store/index.ts';
import { HOLIDAYS_NOT_DEDUCTED, PLATFORM_LIMIT } from '../../src/core/policy/labels.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { freshDb, manualClock, testDirectory } from '../complaints/support.ts';

describe('/stats/ states against which time limits "overdue" is measured', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDb('sqlite');
  });
  afterAll(() => db.close());

  it("in the CSV header and the JSON, as the platform's own limit or with its citation", async () => {
    const directory = await testDirectory();
    const get = async (policy: ReturnType<typeof policySchema.parse>, path: string) =>
      (await statsFunctions({ store: db, clock: manualClock(), directory, policy, log: () => undefined })(new Request(`http://localhost${path}`), {
        clientAddress: '127.0.0.1',
      }))!.text();
    const own = policySchema.parse({});
    const csv = await get(own, '/stats/stats.csv');
    expect(csv).toContain('超期比例');
    expect(csv).toContain(PLATFORM_LIMIT);
    // The calendar here has no years: the note names the ones the next 90 days reach.
    expect(csv).toMatch(new RegExp(`节假日日历\\d{4}(、\\d{4})*年未覆盖，${HOLIDAYS_NOT_DEDUCTED}`));
    const json = JSON.parse(await get(own, '/stats/stats.json')) as { timeLimits: string };
    expect(json.timeLimits).toContain(PLATFORM_LIMIT);
    const cited = policySchema.parse({ handling: { citation: '示例市司法局《投诉办理时限规定》（示司发〔2026〕1号）' } });
    const citedCsv = await get(cited, '/stats/stats.csv');
    expect(citedCsv).toContain('示司发〔2026〕1号');
    expect(citedCsv).not.toContain(PLATFORM_LIMIT);
  });
});
