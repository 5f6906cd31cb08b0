import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import type { World } from '../../functions/complaints/world.ts';
import { handlingFunctions } from '../../functions/handling/http.ts';
import { startServer, type FunctionHandler, type RunningServer } from '../../functions/server/node.ts';
import type { TrustProxy } from '../../functions/server/proxy.ts';
import { tempDir, validSubmission } from '../complaints/support.ts';

/** A tiny static site (one page) and the real functions on a real loopback server, as `npm start` wires them. */
export async function serveFunctions(world: World, options: { trustProxy?: TrustProxy } = {}): Promise<RunningServer> {
  const distDir = join(tempDir('gongshi-srv-'), 'dist');
  mkdirSync(distDir, { recursive: true });
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>首页</title><h1>首页</h1>');
  const handlers = [complaintFunctions(world), handlingFunctions(world)];
  const functions: FunctionHandler = async (request, context) => {
    for (const handler of handlers) {
      const response = await handler(request, context);
      if (response) return response;
    }
    return undefined;
  };
  return startServer({ distDir, port: 0, functions, ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}) });
}

export async function submitOne(url: string, headers: Record<string, string> = {}): Promise<{ reference: string; trackingCode: string }> {
  const response = await fetch(`${url}/api/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(validSubmission()),
  });
  if (response.status !== 201) throw new Error(`submit ${response.status}: ${await response.text()}`);
  return (await response.json()) as { reference: string; trackingCode: string };
}

/** Milliseconds a request takes, with its status. */
export async function timed(run: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const start = performance.now();
  const response = await run();
  await response.arrayBuffer();
  return { ms: performance.now() - start, status: response.status };
}

/**
 * Sends the headers and the first chunk of a chunked body and never finishes it: resolves with the response if the
 * server answers anyway within `ms`, else with 'no answer'.
 */
export function unfinishedPost(url: string, path: string, headers: Record<string, string>, ms = 3000): Promise<{ status: number; body: string } | 'no answer'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, ms);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.write('{"kind":"complaint","description":"');
  });
}
