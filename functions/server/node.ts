import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_HEADERS, parseHeadersFile, sitePolicy } from '../../src/core/security-headers.ts';
import { hostIsValid, loggablePath, requestUrl } from './headers.ts';
import { clientAddress, type TrustProxy } from './proxy.ts';
import { serveStatic } from './static.ts';
import { prepareForWire } from './compress.ts';

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
  /** When X-Forwarded-For names the client (TRUST_PROXY); the socket address otherwise. */
  trustProxy?: TrustProxy;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the static site and the functions on one port, as `npm start` does. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const staticHeaders = staticHeadersOf(options.distDir);
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

/**
 * Above every function's own cap (the workspace's roster upload 32 MB, multipart evidence 16 MB), so that each
 * function answers past its cap in its own words; bigger bodies are refused here before they are read.
 */
export const MAX_REQUEST_BYTES = 33 * 1024 * 1024;

/** The methods the Fetch standard forbids in a Request. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const tooLarge = (res: ServerResponse, req: IncomingMessage) => {
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ errors: { request: '提交内容太大' } }));
  req.destroy();
};

/**
 * The body is handed to the functions as a stream, not read first: a request is routed (and rate-limited) before
 * any of its body is buffered, and each function reads only up to its own cap.
 */
async function handle(options: ServerOptions, staticHeaders: () => Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = hostIsValid(req.headers.host) ? requestUrl(req.url, req.headers.host) : undefined;
  if (!url) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...BASE_HEADERS });
    res.end(hostIsValid(req.headers.host) ? '400 请求地址格式不正确' : '400 请求的 Host 头格式不正确');
    req.destroy();
    return;
  }
  // Methods a web Request cannot even hold (it throws on them): answered here like any method no route takes.
  if (FORBIDDEN_METHODS.has((req.method ?? '').toUpperCase())) {
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD, POST', connection: 'close', ...BASE_HEADERS });
    res.end('405 不支持这种请求方法');
    req.destroy();
    return;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) return tooLarge(res, req);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : bodyStream(req, MAX_REQUEST_BYTES);
  const request = toRequest(req, url, body?.stream);
  const context: RequestContext = {
    clientAddress: clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustProxy ?? { kind: 'none' }),
  };
  let response: Response | undefined;
  try {
    response = await options.functions?.(request, context);
  } catch (error) {
    if (body?.overflowed()) return tooLarge(res, req);
    throw error;
  }
  if (!response) {
    response = await serveStatic(options.distDir, request);
    for (const [name, value] of Object.entries(staticHeaders())) if (!response.headers.has(name)) response.headers.set(name, value);
  }
  // Responses here are small pages, JSON and static files already read into memory: send them whole.
  const payload = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  const wire = await prepareForWire(request, response, payload);
  const headers = wire.headers;
  // A body the function did not read (refused, rate-limited, not its route) is discarded; if it is still arriving,
  // the connection is closed after this answer rather than kept for more.
  if (body) {
    if (!req.complete) headers.connection = 'close';
    body.discard();
  }
  res.writeHead(response.status, headers);
  res.end(wire.body);
}

/** The request body as a web stream that fails past `cap` bytes (and pauses the socket when nobody reads). */
function bodyStream(req: IncomingMessage, cap: number): { stream: ReadableStream<Uint8Array>; overflowed(): boolean; discard(): void } {
  let size = 0;
  let overflow = false;
  let discarding = false;
  let settled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (discarding || settled) {
            if (size > cap) req.destroy();
            return;
          }
          if (size > cap) {
            overflow = true;
            settled = true;
            req.pause();
            controller.error(new RangeError('request body over the server cap'));
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (settled) return;
          settled = true;
          controller.close();
        });
        req.once('error', (error) => {
          if (settled) return;
          settled = true;
          controller.error(error);
        });
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        // The function read what it wanted (or refused it): the rest is not kept.
        settled = true;
        req.pause();
      },
    },
    { highWaterMark: 1 },
  );
  return {
    stream,
    overflowed: () => overflow,
    discard: () => {
      discarding = true;
      req.resume();
    },
  };
}

/**
 * The static headers of the build being served, read again when a new build is swapped in (its inline-script
 * hashes change with it): the served folder's real path is looked at most once a second.
 */
function staticHeadersOf(distDir: string): () => Record<string, string> {
  let build = '';
  let headers: Record<string, string> = {};
  let checked = 0;
  return () => {
    const now = Date.now();
    if (now - checked < 1000 && build) return headers;
    checked = now;
    let real = distDir;
    try {
      real = realpathSync(distDir);
    } catch {
      /* not built yet: the defaults below */
    }
    if (real !== build) {
      build = real;
      headers = readStaticHeaders(real);
    }
    return headers;
  };
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

function toRequest(req: IncomingMessage, url: URL, body: ReadableStream<Uint8Array> | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
  if (body) {
    init.body = body;
    init.duplex = 'half';
  }
  return new Request(url, init);
}
