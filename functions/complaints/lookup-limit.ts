import type { Db } from '../store/db.ts';
import type { Clock } from '../outbox/worker.ts';
import { slidingWindow } from './rate.ts';
import { defaultLimits, type Limits } from './world.ts';

type Allow = (key: string, nowMs: number) => boolean;
const budgets = new WeakMap<Db, Allow>();

/**
 * Status lookups — `GET /api/complaints/<reference>` and the no-JavaScript form's `POST /api/status` — share one
 * budget per client address: at most `statusPerMinute` (policy, default 30, STATUS_PER_MINUTE) in any minute, so
 * tracking codes cannot be guessed at speed. The window counts the address by `rateKey` (an IPv6 client by its /64, so
 * rotating addresses within it buys no more tries). Kept per process, one per store (the intake and handling
 * functions of one app share it); see docs/SECURITY.md for instances behind one proxy.
 */
export function statusLookupAllowed(world: { store: Db; clock: Clock; limits?: Partial<Limits> }, clientAddress: string): boolean {
  let allow = budgets.get(world.store);
  if (!allow) {
    allow = slidingWindow(world.limits?.statusPerMinute ?? defaultLimits.statusPerMinute, 60_000);
    budgets.set(world.store, allow);
  }
  return allow(clientAddress, world.clock.now().getTime());
}

export const tooManyLookups = (world: { limits?: Partial<Limits> }): string =>
  `查询太频繁：同一地址每分钟最多查询 ${world.limits?.statusPerMinute ?? defaultLimits.statusPerMinute} 次，请一分钟后再试`;
