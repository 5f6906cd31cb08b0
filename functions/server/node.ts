import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_HEADERS, parseHeadersFile, sitePolicy } from '../../src/core/security-headers.ts';
import { hostIsValid, loggablePath } from './headers.ts';
import { serveStatic } from './static.ts';

/** What the platform tells a handler besides the request itself. */
export interface RequestContext {
  clientAddress: string;
}

/** A Web-standard function: returns a Response, or undefined when the route is not its own. */
export type FunctionHandler = (request: Request, context: RequestContext) => Promise<Response | undefined>;

export interface ServerOptions {
  distDir: string;
  port?: number;
  host?: string;
  /** Tried first; static files are served when it returns undefined. */
  functions?: FunctionHandler;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the static site and the functions on one port, as `npm start` does. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const staticHeaders = readStaticHeaders(options.distDir);
  const server = createServer((req, res) => {
    handle(options, staticHeaders, req, res).catch((error: unknown) => {
      // Never log request contents: only the route (tokens and references cut out) and the error's kind.
      console.error(`[server] ${req.method} ${loggablePath(req.url)} failed: ${(error as Error).name}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('500 服务器内部错误');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4321, options.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Above every function's own cap (multipart evidence is 16 MB); bigger bodies are refused before they are read. */
const MAX_REQUEST_BYTES = 20 * 1024 * 1024;

async function handle(options: ServerOptions, staticHeaders: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostIsValid(req.headers.host)) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...BASE_HEADERS });
    res.end('400 请求的 Host 头格式不正确');
    req.destroy();
    return;
  }
  const body = await readBody(req);
  if (body === 'too-large') {
    res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ errors: { request: '提交内容太大' } }));
    req.destroy();
    return;
  }
  const request = toRequest(req, body);
  const context: RequestContext = { clientAddress: req.socket.remoteAddress ?? 'unknown' };
  let response = await options.functions?.(request, context);
  if (!response) {
    response = await serveStatic(options.distDir, request);
    for (const [name, value] of Object.entries(staticHeaders)) if (!response.headers.has(name)) response.headers.set(name, value);
  }
  // Responses here are small pages, JSON and static files already read into memory: send them whole.
  const payload = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(payload);
}

/** The whole request body as one buffer (faster than a web stream), or 'too-large' past MAX_REQUEST_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined | 'too-large'> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(undefined);
  if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_REQUEST_BYTES) {
        req.pause();
        resolve('too-large');
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * The headers the build wrote for every static file (`dist/_headers`, src/build/security-headers.ts). A site built
 * without them still gets the base headers and a policy without inline hashes (its island loader will not run:
 * rebuild), and the operator is told.
 */
function readStaticHeaders(distDir: string): Record<string, string> {
  try {
    const headers = parseHeadersFile(readFileSync(join(distDir, '_headers'), 'utf8'));
    if (headers['content-security-policy']) return { ...BASE_HEADERS, ...headers };
  } catch {
    /* not built with it */
  }
  console.error(`[server] ${join(distDir, '_headers')} 缺失或没有 CSP：请重新运行 npm run build。暂用不含内联哈希的默认策略。`);
  return { ...BASE_HEADERS, 'content-security-policy': sitePolicy({ scripts: [], styles: [] }) };
}

function toRequest(req: IncomingMessage, body: Buffer | undefined): Request {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const init: RequestInit = { method: req.method ?? 'GET', headers };
  if (body) init.body = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
  return new Request(url, init);
}
