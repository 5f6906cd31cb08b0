import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the static site and the functions on one port, as `npm start` does. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      // Never log request contents: only the route and the error's kind.
      console.error(`[server] ${req.method} ${routeOf(req)} failed: ${(error as Error).name}`);
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

async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === 'too-large') {
    res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ errors: { request: '提交内容太大' } }));
    req.destroy();
    return;
  }
  const request = toRequest(req, body);
  const context: RequestContext = { clientAddress: req.socket.remoteAddress ?? 'unknown' };
  const response = (await options.functions?.(request, context)) ?? (await serveStatic(options.distDir, request));
  // Responses here are small pages, JSON and static files already read into memory: send them whole.
  const payload = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  const wire = await prepareForWire(request, response, payload);
  res.writeHead(response.status, wire.headers);
  res.end(wire.body);
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

function routeOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
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
