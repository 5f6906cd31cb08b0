import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Real `npm start` servers for the publishing tests (multiserver.test.ts, store-behind.test.ts): started, asked, stopped. */
const root = resolve(import.meta.dirname, '../..');

export interface Server {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** `scripts/start.ts` with `env`, once it says where it listens; its output (stdout and stderr) is kept. */
export function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, [join(root, 'scripts/start.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((done, fail) => {
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      const listening = /listening (http:\/\/[\d.:]+)/.exec(log);
      if (listening) done({ url: listening[1]!, child, output: () => log });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`start exited (${code}):\n${log}`)));
  });
}

export async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** `probe`'s first defined answer, asked every 250 ms; past the deadline, an error saying what did not happen. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs: number, detail: () => string = () => ''): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs / 1000} s\n${detail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A browser-like client of real servers: one cookie jar, follows nothing by itself. */
export function serverClient() {
  const cookies: string[] = [];
  return async (server: Server, method: string, path: string, body?: URLSearchParams | FormData) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(body instanceof URLSearchParams ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(cookies.length ? { cookie: cookies.join('; ') } : {}),
      },
      ...(body ? { body } : {}),
    });
    const set = response.headers.get('set-cookie');
    if (set) cookies.push(set.split(';')[0]!);
    return { status: response.status, text: await response.text() };
  };
}

/**
 * The sign-in link of the mail the servers' workers wrote to `<varDir>/outbox` (no SMTP_URL), for a site at
 * `siteUrl`: the path to open on any of them.
 */
export async function mailedSignInPath(varDir: string, siteUrl: string, detail: () => string): Promise<string> {
  const outbox = join(varDir, 'outbox');
  const link = new RegExp(`${siteUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/publish/sign-in/[A-Za-z0-9_-]{43})`);
  // Daily summaries are written there too: the mail with the link is the one to find.
  const { simpleParser } = await import('../complaints/parse.ts');
  return until(
    'the sign-in mail',
    async () => {
      for (const name of existsSync(outbox) ? readdirSync(outbox).filter((n) => n.endsWith('.eml')) : []) {
        const mail = await simpleParser(readFileSync(join(outbox, name), 'utf8'));
        const found = link.exec(mail.text ?? '')?.[1];
        if (found) return found;
      }
      return undefined;
    },
    30_000,
    detail,
  );
}
