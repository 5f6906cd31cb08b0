import { resolve } from 'node:path';
import { readFilings, type SiteFilings } from './filings.ts';

/**
 * Every setting the operator can change, read from the environment once, with the embedded defaults
 * that make `npm start` work on a fresh machine. Documented in README.md (Settings).
 */
export interface Settings {
  /** Folder with agencies.yaml, regulations/ and rosters/. */
  contentDir: string;
  /** Absolute origin the site is published at; QR codes encode URLs under it. */
  siteUrl: string;
  /** Unset → embedded SQLite file at `var/gongshi.sqlite`; `postgres://…` → PostgreSQL. */
  databaseUrl: string | undefined;
  /** Unset → e-mails are written as .eml files to `var/outbox/`. */
  smtpUrl: string | undefined;
  /**
   * HMAC key for agency action links and tracking codes, as set (`SECRET`). Unset is only allowed for a plainly
   * local run, which then uses a random key kept under VAR_DIR (functions/server/secret.ts decides).
   */
  secret: string | undefined;
  /** Earlier keys (`SECRET_PREVIOUS`, comma-separated): still verify links and tracking codes, never sign — for key rotation. */
  previousSecrets: string[];
  /**
   * Retired keys (`SECRET_RETIRED`, comma-separated): verify tracking codes only — never a link — so that citizens'
   * codes outlive a key that must stop verifying links (docs/SECURITY.md, key rotation).
   */
  retiredSecrets: string[];
  /** Folder for local state (SQLite file, .eml outbox) when the defaults are used. */
  varDir: string;
  /** 主办单位: the body that runs the site, shown in every page's footer. */
  siteOwner: string;
  /** How to reach the site's owner (phone, address or e-mail), shown in the footer. */
  siteContact: string;
  /** ICP and public-security filing numbers and the 政府网站标识码, shown in the footer when set (filings.ts). */
  filings: SiteFilings;
  /** The build output folder: the site, and the directory file the functions read (`_functions/directory.json`). */
  outDir: string;
  /**
   * Serverless only (`BUILD_HOOK_URL`): the host's build hook, POSTed when a clerk confirms or undoes a roster
   * version. Unset → only `npm start` (which rebuilds by itself) can publish from the workspace.
   */
  buildHookUrl: string | undefined;
}

/** Shown until the operator sets SITE_OWNER / SITE_CONTACT: plainly not a real owner. */
export const DEFAULT_SITE_OWNER = '（示例站点，运营方尚未设置主办单位）';
export const DEFAULT_SITE_CONTACT = '（尚未设置）';

export const DEFAULT_SITE_URL = 'http://localhost:4321';

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const siteUrl = (env.SITE_URL || DEFAULT_SITE_URL).replace(/\/+$/, '');
  const problem = siteUrlProblem(siteUrl);
  if (problem) throw new Error(problem);
  return {
    contentDir: resolve(env.CONTENT_DIR || 'content'),
    siteUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    secret: env.SECRET || undefined,
    previousSecrets: keyList(env.SECRET_PREVIOUS),
    retiredSecrets: keyList(env.SECRET_RETIRED),
    varDir: resolve(env.VAR_DIR || 'var'),
    siteOwner: env.SITE_OWNER?.trim() || DEFAULT_SITE_OWNER,
    siteContact: env.SITE_CONTACT?.trim() || DEFAULT_SITE_CONTACT,
    filings: readFilings(env),
    outDir: resolve(env.OUT_DIR || 'dist'),
    buildHookUrl: env.BUILD_HOOK_URL?.trim() || undefined,
  };
}

/** A comma-separated list of keys, trimmed, empty entries dropped. */
function keyList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Why SITE_URL cannot be the site's origin, in words for the operator; undefined when it can. Without a scheme
 * (`gongshi.example.gov.cn`) it is no URL at all: every QR code and mailed link is made from it.
 */
export function siteUrlProblem(siteUrl: string): string | undefined {
  const url = URL.canParse(siteUrl) ? new URL(siteUrl) : undefined;
  if (url && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname) return undefined;
  return `SITE_URL「${siteUrl}」不是网站的地址：应写成 https://gongshi.example.gov.cn 这样，以 https:// 开头（二维码和邮件中的链接都由它生成）。请改正 SITE_URL 后再构建和启动。`;
}
