import type { APIRoute } from 'astro';
import { getPortal } from '../../../lib/portal/data.ts';
import { verifyPageHtml } from '../../../lib/portal/verify-html.ts';
import type { Auxiliary } from '../../../lib/roster/schema.ts';

/**
 * `/verify/<no>/` (written as `verify/<no>/index.html`): rendered from a template, not a component tree, because
 * at 100,000 pages Astro's per-component cost doubled the build (docs/PORTAL.md). Same frame as Base.astro.
 */
export async function getStaticPaths() {
  const portal = await getPortal();
  return portal.auxiliaries.map((aux) => ({ params: { no: aux.certificateNo }, props: { aux } }));
}

export const GET: APIRoute = async ({ props }) => {
  const aux = props.aux as Auxiliary;
  const portal = await getPortal();
  const agency = portal.agencyById.get(aux.agencyId)!;
  return new Response(verifyPageHtml(aux, agency, portal.regulationOf(agency), portal.asOf(agency.id)), {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });
};
