import { join } from 'node:path';

/**
 * The environment a script of ours sees on a newcomer's machine: the deployment's settings blanked (whatever the test
 * runner inherited), any free port, and local state (VAR_DIR, Astro's cache) under `work`. A test adds its own on top.
 */
export function localEnv(work: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SITE_URL: '',
    CONTENT_DIR: '',
    DATABASE_URL: '',
    ROSTER_STORE_URL: '',
    SMTP_URL: '',
    SECRET: '',
    NODE_ENV: '',
    NO_BUILD: '',
    REPLACE_SITE: '',
    PORT: '0',
    VAR_DIR: join(work, 'var'),
    ASTRO_CACHE_DIR: join(work, 'cache'),
  };
}
