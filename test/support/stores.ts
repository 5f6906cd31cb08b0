import { afterAll, beforeAll, describe } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import type { World } from '../../functions/complaints/world.ts';
import { freshDb, pgSkipReason, startSmtp } from '../complaints/support.ts';
import { handlingHarness, type Harness } from '../handling/support.ts';

/**
 * The setup the store tests share, written once: each suite runs on both stores, with a fresh database, a loopback
 * SMTP server or a handling harness made before its tests and closed after them.
 */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** `body` once per store, in a describe named `name (kind)`; PostgreSQL's is skipped, with the reason printed, when no server answers. */
export function describeEachStore(name: string, body: (kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS) describe.skipIf(kind === 'postgres' && !!pgSkipReason)(`${name} (${kind})`, () => body(kind));
}

/**
 * Stands for what `make` returns in the beforeAll of the describe block it is called in (and `close` ends in its
 * afterAll), so a suite can name it once at the top instead of declaring a variable and assigning it in a hook.
 */
export function madeBeforeAll<T extends object>(make: () => Promise<T>, close: (value: T) => Promise<void>): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await make();
  });
  afterAll(async () => {
    if (value) await close(value);
  });
  const current = (key: PropertyKey): T => {
    if (!value) throw new Error(`${String(key)} read before beforeAll made it`);
    return value;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const target = current(key);
      const found = Reflect.get(target, key, target);
      return typeof found === 'function' ? found.bind(target) : found;
    },
    set: (_, key, v) => Reflect.set(current(key), key, v),
    has: (_, key) => Reflect.has(current(key), key),
  });
}

/** A fresh, migrated database of `kind` for the suite. */
export function freshStore(kind: StoreKind): Db & { schema?: string } {
  return madeBeforeAll(
    () => freshDb(kind),
    (db) => db.close(),
  );
}

/** A loopback SMTP server that keeps what it receives, for the suite. */
export function smtpServer(options?: Parameters<typeof startSmtp>[0]): Awaited<ReturnType<typeof startSmtp>> {
  return madeBeforeAll(
    () => startSmtp(options),
    (smtp) => smtp.stop(),
  );
}

/** The handling harness (intake, outbox, SMTP, action links) on `db`, its clock at `start`, for the suite. */
export function harnessOn(db: Db, start?: string, overrides: () => Partial<World> = () => ({})): Harness {
  return madeBeforeAll(
    () => handlingHarness(db, start, overrides()),
    (h) => h.close(),
  );
}
