/**
 * Netlify Functions (v2) entry for number lookups (functions/server/lookup.ts): any spelling of a listed number
 * under /verify/ is redirected to its page, and `/lookup/?no=…` (rewritten to /api/lookup by netlify.toml) is
 * answered without JavaScript. `preferStatic`: a number's own page is a static file and is served as such; only
 * addresses with no file behind them reach this function. Reads only the build's directory file (included_files),
 * not the database.
 */
import { readSettings } from '../../../src/core/settings.ts';
import { directoryFilePath, readDirectoryFile } from '../../server/directory-file.ts';
import { withFunctionHeaders } from '../../server/headers.ts';
import { lookupFunctions } from '../../server/lookup.ts';
import type { FunctionHandler } from '../../server/node.ts';
import { notFound } from './not-found.ts';
import type { NetlifyContext } from './shared.ts';

let handler: Promise<FunctionHandler> | undefined;

export default async function lookup(request: Request, context: NetlifyContext): Promise<Response> {
  handler ??= readDirectoryFile(directoryFilePath(readSettings().outDir)).then(
    (directory) => lookupFunctions(() => directory, readSettings().siteUrl),
    (error: unknown) => {
      handler = undefined;
      throw error;
    },
  );
  const response = await (await handler)(request, { clientAddress: context.ip ?? 'unknown' });
  // The same base headers and page policy as every other function answer; an address it does not answer (say
  // /verify/NOPE/qr.svg) gets the built 404 page, as under `npm start`.
  return response ? withFunctionHeaders(response) : notFound(request);
}

export const config = {
  path: ['/verify/*', '/api/lookup'],
  preferStatic: true,
};
