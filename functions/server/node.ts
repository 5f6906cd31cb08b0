import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
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

async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = toRequest(req);
  const context: RequestContext = { clientAddress: req.socket.remoteAddress ?? 'unknown' };
  const response = (await options.functions?.(request, context)) ?? (await serveStatic(options.distDir, request));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
}

function routeOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

function toRequest(req: IncomingMessage): Request {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Node's fetch requires this for streamed request bodies.
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}
