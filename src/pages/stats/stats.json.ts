import type { APIRoute } from 'astro';
import { getStats, SUPPRESS_BELOW } from '../../lib/stats/index.ts';
import { getPolicyView } from '../../import/policy/view.ts';

export const GET: APIRoute = async () => {
  const stats = await getStats();
  const { timeLimitSummary } = await getPolicyView();
  // "Overdue" is measured against the deployment's time limits, which the file states.
  const body = { ...(stats ?? { generatedAt: new Date().toISOString(), suppressBelow: SUPPRESS_BELOW, noData: true }), timeLimits: timeLimitSummary };
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
