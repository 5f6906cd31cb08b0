import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer, type RunningServer } from '../../functions/server/node.ts';

/** The built site the tests read: TEST_DIST_DIR, else dist/ (npm test builds it first). */
export const distDir = resolve(process.env.TEST_DIST_DIR || 'dist');

export function siteBuilt(): boolean {
  return existsSync(resolve(distDir, 'index.html'));
}

/** Serves the built site (static files only) on a free loopback port. */
export function serveSite(): Promise<RunningServer> {
  return startServer({ distDir, port: 0 });
}
