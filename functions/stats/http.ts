import { pageHtml } from '../../src/core/frame.ts';
import type { World } from '../complaints/world.ts';
import type { FunctionHandler } from '../server/node.ts';
import { aggregate, SUPPRESS_BELOW, type Stats } from './aggregate.ts';
import { labelsFrom } from './labels.ts';
import { statsInputFrom } from './load.ts';
import { emptyCsv, statsMainHtml, toCsv } from './render.ts';
import { missingYears, WEEKENDS_ONLY } from '../../src/core/policy/calendar.ts';
import { timeLimitLabel, timeLimitSummary } from '../../src/core/policy/labels.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';

/** Policy: published statistics are at most this old (the in-process cache and any HTTP cache together). */
export const STATS_MAX_AGE_MS = 5 * 60_000;

const TITLE = '投诉办理统计';
const DESCRIPTION = '各执法机关收到、受理、办结投诉举报的数量与用时';
const ROUTES: Record<string, 'page' | 'csv' | 'json'> = { '/stats/': 'page', '/stats/stats.csv': 'csv', '/stats/stats.json': 'json' };

/**
 * `/stats/` (page), `/stats/stats.csv` and `/stats/stats.json`, computed from the store on request — the static
 * build never touches the store. One computation serves every request for up to `maxAgeMs` (≤ 5 minutes); the
 * HTTP `max-age` is what is left of that, so a CDN in front adds no staleness.
 */
export function statsFunctions(
  world: Pick<World, 'store' | 'clock' | 'directory' | 'log' | 'policy' | 'calendar'>,
  options: { maxAgeMs?: number } = {},
): FunctionHandler {
  const ttl = Math.min(options.maxAgeMs ?? STATS_MAX_AGE_MS, STATS_MAX_AGE_MS);
  let cached: { at: number; stats: Promise<Stats | null> } | undefined;
  const current = (now: number) => {
    if (!cached || now - cached.at >= ttl || now < cached.at) {
      const entry = {
        at: now,
        stats: statsInputFrom(world.store).then((input) => (input.length ? aggregate(input, labelsFrom(world.directory), new Date(now)) : null)),
      };
      // A failed read is not kept: the next request tries again.
      entry.stats.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached;
  };
  const log = world.log ?? ((line: string) => console.log(line));

  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/stats' || pathname === '/stats/index.html') return new Response(null, { status: 301, headers: { location: '/stats/' } });
    const what = ROUTES[pathname];
    if (!what) return undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('405 只接受 GET', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } });
    }
    const now = world.clock.now().getTime();
    const entry = current(now);
    let stats: Stats | null;
    try {
      stats = await entry.stats;
    } catch (error) {
      log(`[stats] GET ${pathname} store error ${(error as Error).name}`);
      const body =
        what === 'page'
          ? pageHtml(TITLE, DESCRIPTION, `<h1>${TITLE}</h1><p role="alert">统计数据暂时无法读取，请稍后再试。</p>`)
          : '统计数据暂时无法读取，请稍后再试。';
      return new Response(body, {
        status: 503,
        headers: {
          'content-type': what === 'page' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'retry-after': '60',
        },
      });
    }
    // "Overdue" is measured against the deployment's time limits, which every form of the statistics states.
    const handling = (world.policy ?? DEFAULT_POLICY).handling;
    const counted = missingYears(world.calendar ?? WEEKENDS_ONLY, new Date(now));
    const maxAge = Math.max(0, Math.floor((ttl - (now - entry.at)) / 1000));
    const headers: Record<string, string> = {
      'cache-control': `public, max-age=${maxAge}`,
      'x-content-type-options': 'nosniff',
    };
    let body: string;
    if (what === 'csv') {
      headers['content-type'] = 'text/csv; charset=utf-8';
      body = stats ? toCsv(stats, timeLimitLabel(handling, counted)) : emptyCsv(timeLimitLabel(handling, counted));
    } else if (what === 'json') {
      headers['content-type'] = 'application/json; charset=utf-8';
      const data = stats ?? { generatedAt: new Date(entry.at).toISOString(), suppressBelow: SUPPRESS_BELOW, noData: true };
      body = `${JSON.stringify({ ...data, timeLimits: timeLimitSummary(handling, counted) }, null, 2)}\n`;
    } else {
      headers['content-type'] = 'text/html; charset=utf-8';
      headers['content-security-policy'] =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
      headers['referrer-policy'] = 'strict-origin-when-cross-origin';
      body = pageHtml(TITLE, DESCRIPTION, statsMainHtml(stats, Math.round(ttl / 60_000), timeLimitSummary(handling, counted)));
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}
