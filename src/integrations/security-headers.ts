import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { writeSecurityHeaders } from '../build/security-headers.ts';

/** After every page is written (keep it last in astro.config.mjs): dist/_headers with the CSP and its hashes. */
export function securityHeadersIntegration(): AstroIntegration {
  return {
    name: 'gongshi-security-headers',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const headers = await writeSecurityHeaders(fileURLToPath(dir));
        logger.info(`_headers 已写入（CSP：${headers['content-security-policy']!.length} 个字符）`);
      },
    },
  };
}
