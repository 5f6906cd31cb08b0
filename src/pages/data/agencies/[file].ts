import type { APIRoute } from 'astro';
import { getPortal } from '../../../build/portal/data.ts';
import { contentType, openDataFile } from '../../../build/opendata/files.ts';

export async function getStaticPaths() {
  const portal = await getPortal();
  return portal.agencies
    .filter((a) => portal.rosterOf(a.id).length)
    .flatMap((agency) => (['csv', 'json'] as const).map((format) => ({ params: { file: `${agency.id}.${format}` }, props: { id: agency.id, format } })));
}

export const GET: APIRoute = async ({ props }) => {
  const format = props.format as 'csv' | 'json';
  return new Response(openDataFile(await getPortal(), props.id as string, format), { headers: { 'content-type': contentType[format] } });
};
