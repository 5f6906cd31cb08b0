import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workersRound } from '../../scripts/bench/outbox-workers.ts';
import { pgSkipReason } from '../complaints/support.ts';

const ROOT = join(import.meta.dirname, '../..');

describe.skipIf(!!pgSkipReason)('outbox bench: parallel workers on PostgreSQL', { timeout: 120_000 }, () => {
  it('drains one backlog with three worker processes at once, each mail sent once', async () => {
    const round = await workersRound(join(ROOT, 'scripts/bench/outbox.ts'), ROOT, 3, 50);
    expect(round.workers).toBe(3);
    expect(round.perWorker).toHaveLength(3);
    // A mail claimed by two workers would be counted twice and written to one .eml file name.
    expect(round.mails).toBe(50);
    expect(round.emlFiles).toBe(50);
    expect(round.unsent).toBe(0);
    expect(round.cpuMsPerMail).toBeGreaterThan(0);
  });
});
