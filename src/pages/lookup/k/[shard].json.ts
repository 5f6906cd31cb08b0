import type { APIRoute } from 'astro';
import { getPortal } from '../../../build/portal/data.ts';

/** One shard of the static number index: a list of NumberEntry (see src/core/shard.ts). */
export async function getStaticPaths() {
  const portal = await getPortal();
  return [...portal.lookupShards.shards.keys()].map((shard) => ({ params: { shard } }));
}

export const GET: APIRoute = async ({ params }) => {
  const portal = await getPortal();
  return new Response(JSON.stringify(portal.lookupShards.shards.get(params.shard!) ?? []), {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
};
