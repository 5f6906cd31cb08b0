import type { APIRoute } from 'astro';
import { getStats, toCsv } from '../../lib/stats/index.ts';
import { csvHeader } from '../../lib/stats/render.ts';
import { getPolicyView } from '../../import/policy/view.ts';

export const GET: APIRoute = async () => {
  const stats = await getStats();
  const { timeLimitLabel } = await getPolicyView();
  const csv = stats ? toCsv(stats, timeLimitLabel) : `\uFEFF${csvHeader(timeLimitLabel)}\r\n`;
  return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
};
