import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { addModulePreloads } from '../build/module-preload.ts';

/** After Astro has written its pages: modulepreload links for their module scripts' chunks (src/build/module-preload.ts). */
export function modulePreloadIntegration(): AstroIntegration {
  return {
    name: 'gongshi-module-preload',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const { pages, links } = await addModulePreloads(fileURLToPath(dir));
        logger.info(`modulepreload：${pages} 个页面，${links} 个链接`);
      },
    },
  };
}
