// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';
import react from '@astrojs/react';

const siteUrl = (process.env.SITE_URL || 'http://localhost:4321').replace(/\/+$/, '');

export default defineConfig({
  site: siteUrl,
  output: 'static',
  trailingSlash: 'always',
  build: { format: 'directory' },
  // OUT_DIR lets tests and benchmarks build side by side without clobbering dist/.
  outDir: process.env.OUT_DIR || './dist',
  cacheDir: process.env.OUT_DIR ? `${process.env.OUT_DIR}-cache` : './node_modules/.astro',
  integrations: [react()],
  // Photos are copied as given; no sharp, no remote images.
  image: { service: passthroughImageService() },
  devToolbar: { enabled: false },
});
