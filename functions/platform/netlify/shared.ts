import { readSettings } from '../../../src/core/settings.ts';
import { createApp, type App } from '../../server/app.ts';

/** The part of Netlify's `Context` we use (no dependency on @netlify/functions). */
export interface NetlifyContext {
  ip?: string;
}

let app: Promise<App> | undefined;

/**
 * One App per function instance (cold start), built like `npm start` builds it: the build's directory file
 * `dist/_functions/directory.json` (bundled with `included_files`), DATABASE_URL, SMTP_URL, SECRET, SITE_URL. A serverless instance has no durable disk, so
 * DATABASE_URL (PostgreSQL) is required here: without it the functions refuse to accept complaints. A serverless
 * instance is never a local run either: SECRET is always required (functions/server/secret.ts).
 */
export function getApp(): Promise<App> {
  const settings = readSettings();
  if (!settings.databaseUrl?.startsWith('postgres')) {
    return Promise.reject(new Error('DATABASE_URL (postgres://…) must be set for serverless functions: their disk is not durable'));
  }
  if (!settings.smtpUrl) return Promise.reject(new Error('SMTP_URL must be set for serverless functions: .eml files would be lost'));
  // console.log, not the batching logLine: a function's process may be frozen as soon as it has answered.
  app ??= createApp(settings, {
    env: { ...process.env, NODE_ENV: 'production' },
    log: (line) => console.log(line),
    // One request per instance, and the bundle holds no separate worker file (functions/publish/roster-parser.ts).
    uploadParser: 'in-process',
  }).catch((error: unknown) => {
    app = undefined;
    throw error;
  });
  return app;
}
