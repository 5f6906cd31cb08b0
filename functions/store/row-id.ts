import { randomUUIDv7 } from 'node:crypto';

/**
 * The id of a new row in the complaint tables: a UUIDv7, whose first 48 bits are the millisecond it was made, so
 * ids made in different milliseconds sort in time order. A group of submissions committed together then adds its ids at the end of each id
 * index (one page written) instead of at random places (one page per row): with random UUIDs a submission wrote
 * 7.8 SQLite pages to the WAL, with these 5.9 (docs/BENCHMARKS.md, "Intake: fewer pages per submission").
 * The time in an id is no secret: ids stay inside the store and the agency's own links, next to the
 * complaint's `created_at`. Ids already stored keep their form; nothing reads the time back out of an id.
 */
export const rowId = (): string => randomUUIDv7();
