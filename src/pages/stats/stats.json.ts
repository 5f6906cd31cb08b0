import type { APIRoute } from 'astro';
import { getStats, SUPPRESS_BELOW } from '../../lib/stats/index.ts';

export const GET: APIRoute = async () => {
  const stats = await getStats();
  const body = stats ?? { generatedAt: new Date().toISOString(), suppressBelow: SUPPRESS_BELOW, noData: true };
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
