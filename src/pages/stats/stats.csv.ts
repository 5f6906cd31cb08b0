import type { APIRoute } from 'astro';
import { getStats, toCsv } from '../../lib/stats/index.ts';

export const GET: APIRoute = async () => {
  const stats = await getStats();
  const csv = stats ? toCsv(stats) : '\uFEFF维度,代码,名称,收到,受理,不予受理,办结,受理用时中位数（天）,办结用时中位数（天）,超期比例\r\n';
  return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
};
