/**
 * The thread that reads one uploaded roster (worker_threads, started by roster-parser.ts for each upload): the
 * same import as `npm run roster:check` and the build, off the thread that answers requests. It gets the file and
 * the registry's agencies, posts back the import's result, and ends; the request thread kills it when it runs out
 * of time, and V8 ends it when it outgrows its heap limit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { importRosters } from '../../src/import/roster/index.ts';
import type { ParseMessage, RosterParseInput } from './roster-parser.ts';

const input = workerData as RosterParseInput;
const registry = checkRegistry(input.agencies, new Set(input.agencies.map((a) => a.regulation)), '机关名录');
const result = await importRosters([{ file: input.fileName, bytes: input.bytes, mapping: { agency: input.agencyId } }], registry, {
  today: input.today,
  ...(input.locations ? { locations: true } : {}),
  onWorkbookRead: () => parentPort!.postMessage({ reading: true } satisfies ParseMessage),
});
parentPort!.postMessage({ result } satisfies ParseMessage);
