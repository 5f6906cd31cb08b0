// Like ../bare, but the records go through an Astro content-layer loader (data store) instead of getSite()
// in getStaticPaths: measures what the content layer costs at province size (npm run bench site with
// BENCH_CONTENT_LAYER=1).
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  build: { format: 'directory' },
  outDir: process.env.OUT_DIR || './dist',
  cacheDir: process.env.OUT_DIR ? `${process.env.OUT_DIR}-cache` : './node_modules/.astro',
  devToolbar: { enabled: false },
});
