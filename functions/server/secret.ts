import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../src/core/settings.ts';
import { smtpUrlProblem } from '../mail/transport.ts';
import { folderFailure, makeFolder } from '../store/make-folder.ts';

/**
 * Keys that were ever in the repository. Anyone can read them, so nothing signed with one may verify: a
 * deployment that still sets one is refused at start, exactly like a deployment with no key at all.
 */
export const PUBLISHED_SECRETS: readonly string[] = ['gongshi-local-development-secret-change-me'];

/** Shorter keys are refused outside local runs: 32 characters of base64 are 192 bits. */
export const MIN_SECRET_LENGTH = 32;

/** Fewer different characters than this is a typed placeholder (32 times "a", spaces), not a generated key. */
export const MIN_SECRET_DISTINCT = 10;

export class SecretError extends Error {
  override name = 'SecretError';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * A run is plainly local only when all three say so: the site is not published anywhere (SITE_URL unset or on
 * localhost), the server listens on loopback only (HOST), and NODE_ENV is not production. Anything else is treated
 * as a deployment, which must bring its own key.
 */
export function isPlainlyLocal(env: NodeJS.ProcessEnv): boolean {
  if (env.NODE_ENV === 'production') return false;
  if (env.HOST && !isLoopbackHost(env.HOST)) return false;
  if (env.SITE_URL) {
    let host: string;
    try {
      host = new URL(env.SITE_URL).hostname;
    } catch {
      return false;
    }
    if (!isLoopbackHost(host)) return false;
  }
  return true;
}

/**
 * The signing key the functions use, or a SecretError naming the setting. A local run without SECRET gets a
 * random key created once under VAR_DIR (`secret`, mode 600) and reused, so links and tracking codes survive a
 * restart without any key being shared between machines.
 */
export function resolveSecret(
  settings: Pick<Settings, 'secret' | 'previousSecrets' | 'retiredSecrets' | 'varDir'>,
  env: NodeJS.ProcessEnv = process.env,
): { secret: string; previousSecrets: string[]; retiredSecrets: string[] } {
  const published = (key: string) => PUBLISHED_SECRETS.includes(key.trim());
  const previousSecrets = settings.previousSecrets.filter((s) => !published(s));
  // A key in both lists verifies links: it is a previous key, not a retired one.
  const retiredSecrets = settings.retiredSecrets.filter((s) => !published(s) && !previousSecrets.includes(s));
  const local = isPlainlyLocal(env);
  // A key that still verifies links signs them as well as SECRET does: outside a local run each one must be strong.
  // A retired key only checks tracking codes, but by the same rule: its key id is stored with every code it hashed,
  // so a guessable key could be found from a copy of the database.
  if (!local) {
    for (const key of previousSecrets) {
      const weak = weakness(key);
      if (weak) throw new SecretError(`SECRET_PREVIOUS 中有一个密钥${weak}：用它签名的链接谁都能伪造。请从 SECRET_PREVIOUS 中删去它。`);
    }
    for (const key of retiredSecrets) {
      const weak = weakness(key);
      if (weak) throw new SecretError(`SECRET_RETIRED 中有一个密钥${weak}：不像本平台生成过的密钥。请从 SECRET_RETIRED 中删去它。`);
    }
  }
  const keys = (secret: string) => ({
    secret,
    previousSecrets: previousSecrets.filter((k) => k !== secret),
    retiredSecrets: retiredSecrets.filter((k) => k !== secret),
  });
  if (settings.secret) {
    if (published(settings.secret)) {
      throw new SecretError(
        'SECRET 是代码仓库中公开过的旧密钥，任何人都能用它伪造办理链接。请生成新的密钥（例如 openssl rand -base64 48）设为 SECRET 后再启动。',
      );
    }
    const weak = local ? undefined : weakness(settings.secret);
    if (weak) throw new SecretError(`SECRET ${weak}。请用 openssl rand -base64 48 生成。`);
    return keys(settings.secret);
  }
  if (!local) {
    throw new SecretError(
      '没有设置 SECRET：办理链接和查询码需要只有本站知道的签名密钥。请用 openssl rand -base64 48 生成一个，设为环境变量 SECRET 后再启动' +
        '（只有在 SITE_URL 未设置或指向 localhost、HOST 是本机回环地址、且 NODE_ENV 不是 production 的本地运行中，才会自动生成本地密钥）。',
    );
  }
  return keys(localSecret(settings.varDir));
}

/** Why a key may not sign outside a local run, in words for the operator; undefined when it may. */
function weakness(key: string): string | undefined {
  if (key.length < MIN_SECRET_LENGTH) return `太短（${key.length} 个字符），至少需要 ${MIN_SECRET_LENGTH} 个字符`;
  const distinct = new Set(key).size;
  if (distinct < MIN_SECRET_DISTINCT) return `只用了 ${distinct} 种字符，不像随机生成的密钥`;
  return undefined;
}

/**
 * What else a deployment must bring rather than run on a local default: SMTP_URL, without which mail would be written
 * as .eml files on the server and never reach an agency; and a SMTP_URL that parses, as smtp: or smtps: (anywhere). A SecretError like a
 * missing key, so that `npm start` and `npm run outbox` refuse to start the same way, naming the setting.
 */
export function requireDeploymentSettings(settings: Pick<Settings, 'smtpUrl'>, env: NodeJS.ProcessEnv = process.env): void {
  // Anywhere: a malformed SMTP_URL, or one of another scheme, is refused without its value (it holds the mail
  // account's password).
  const problem = settings.smtpUrl ? smtpUrlProblem(settings.smtpUrl) : undefined;
  if (problem) throw new SecretError(problem);
  if (isPlainlyLocal(env)) return;
  if (!settings.smtpUrl) {
    throw new SecretError(
      '没有设置 SMTP_URL：不设时邮件只写成服务器上的 .eml 文件（仅供本机试用），投诉不会送到任何机关。请设置 SMTP_URL（如 smtps://用户名:口令@smtp.example.gov.cn:465）后再启动。',
    );
  }
}

function localSecret(varDir: string): string {
  const path = join(varDir, 'secret');
  try {
    makeFolder(varDir, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'Error';
    throw new SecretError(
      `VAR_DIR（${varDir}）无法创建（${code}），没有设置 SECRET 时本地密钥存放在这里：请把 VAR_DIR 设为本机上可写的目录（${folderFailure(code)}），或设置 SECRET。`,
    );
  }
  // Written whole to a private temp file, then hard-linked into place: link() fails if the key exists, so two
  // processes starting at once both end up with the first one's key and nobody reads a half-written file.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flush: true });
  try {
    linkSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) throw new SecretError(`本地密钥文件 ${path} 已损坏：请删除它后重新启动（会生成新的密钥，旧的办理链接随之失效）。`);
  return secret;
}
