// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';
import react from '@astrojs/react';
import { portalIntegration } from './src/integrations/portal.ts';
import { policyCheckIntegration } from './src/integrations/policy-check.ts';
import { securityHeadersIntegration } from './src/integrations/security-headers.ts';
import { modulePreloadIntegration } from './src/integrations/module-preload.ts';

const siteUrl = (process.env.SITE_URL || 'http://localhost:4321').replace(/\/+$/, '');

export default defineConfig({
  site: siteUrl,
  output: 'static',
  trailingSlash: 'always',
  // One shared stylesheet, cached across pages, rather than CSS inlined into 100k verification pages.
  build: { format: 'directory', inlineStylesheets: 'never' },
  // OUT_DIR lets tests and benchmarks build side by side without clobbering dist/.
  outDir: process.env.OUT_DIR || './dist',
  // `npm run build` builds into a fresh folder each time (scripts/build/atomic.ts) and names the cache to keep.
  cacheDir: process.env.ASTRO_CACHE_DIR || (process.env.OUT_DIR ? `${process.env.OUT_DIR}-cache` : './node_modules/.astro'),
  // security headers last: it reads every page the others wrote (modulepreload links added to them just before).
  integrations: [react(), policyCheckIntegration(), portalIntegration(), modulePreloadIntegration(), securityHeadersIntegration()],
  // Photos are copied as given; no sharp, no remote images.
  image: { service: passthroughImageService() },
  devToolbar: { enabled: false },
});
