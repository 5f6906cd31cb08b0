import type { APIRoute } from 'astro';
import { getPortal } from '../../build/portal/data.ts';
import { contentType, openDataFile } from '../../build/opendata/files.ts';

export function getStaticPaths() {
  return (['csv', 'json'] as const).map((format) => ({ params: { file: `all.${format}` }, props: { format } }));
}

export const GET: APIRoute = async ({ props }) => {
  const format = props.format as 'csv' | 'json';
  return new Response(openDataFile(await getPortal(), undefined, format), { headers: { 'content-type': contentType[format] } });
};
