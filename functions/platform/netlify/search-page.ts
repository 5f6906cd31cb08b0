/**
 * Netlify Functions (v2) entry for `/search/?q=…` (rewritten to /api/search-page by netlify.toml): the built search
 * page with the query in its box and, for a browser without JavaScript, the people of exactly that name or the names
 * one character off it (functions/server/search-page.ts). Reads only the build's search page, `_headers` and directory file
 * (included_files), not the database.
 */
import { readSettings } from '../../../src/core/settings.ts';
import { directoryFilePath, olderDirectoryLine, readDirectoryFile } from '../../server/directory-file.ts';
import { withFunctionHeaders } from '../../server/headers.ts';
import type { FunctionHandler } from '../../server/node.ts';
import { searchPageFunction } from '../../server/search-page.ts';
import type { NetlifyContext } from './shared.ts';

let handler: Promise<FunctionHandler> | undefined;

export default async function searchPage(request: Request, context: NetlifyContext): Promise<Response> {
  const outDir = () => readSettings().outDir;
  const path = directoryFilePath(outDir());
  handler ??= readDirectoryFile(path).then(
    (directory) => {
      const older = olderDirectoryLine(path, directory);
      if (older) console.error(older);
      return searchPageFunction(outDir, () => directory);
    },
    () => {
      // Without the directory file the page still comes with the query in its box; the file is read again next time.
      handler = undefined;
      return searchPageFunction(outDir);
    },
  );
  const response = await (await handler)(request, { clientAddress: context.ip ?? 'unknown' });
  // Without a query (or a build) there is nothing to fill in: the static page is the answer.
  return withFunctionHeaders(response ?? new Response(null, { status: 302, headers: { location: '/search/', 'cache-control': 'public, max-age=300' } }));
}

export const config = {
  path: ['/api/search-page'],
};
