// The baseline for `npm run bench site`: a bare one-page-per-record Astro build of the same content, no
// search index, no QR codes, no open data, no integrations.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  build: { format: 'directory' },
  outDir: process.env.OUT_DIR || './dist',
  cacheDir: process.env.OUT_DIR ? `${process.env.OUT_DIR}-cache` : './node_modules/.astro',
  devToolbar: { enabled: false },
});
