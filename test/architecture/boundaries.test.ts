import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers the README draws, enforced: core imports nothing of ours; import uses core; the build (the rest of
 * src/) and the functions each use core and import but never each other.
 */
type Layer = 'core' | 'import' | 'build' | 'functions';

const allowed: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  import: ['core', 'import'],
  build: ['core', 'import', 'build'],
  functions: ['core', 'import', 'functions'],
};

export function layerOf(path: string): Layer | undefined {
  if (path.startsWith('src/core/')) return 'core';
  if (path.startsWith('src/import/')) return 'import';
  if (path.startsWith('src/')) return 'build';
  if (path.startsWith('functions/')) return 'functions';
  return undefined;
}

const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import of one file, as paths from the repository root. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(specifier)) out.push(relative(root, resolve(root, dirname(file), m[1]!)));
  return out;
}

export function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  if (!from) return [];
  return importsOf(file, text)
    .filter((target) => {
      const to = layerOf(target);
      return to !== undefined && !allowed[from].includes(to);
    })
    .map((target) => `${file} (${from}) → ${target} (${layerOf(target)})`);
}

const root = resolve(new URL('../..', import.meta.url).pathname);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|astro|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('layer boundaries', () => {
  it('classifies imports across layers (the check itself works)', () => {
    expect(violations('src/core/text.ts', "import { x } from '../import/site.ts';")).toHaveLength(1);
    expect(violations('src/import/site.ts', "import { x } from '../pages/index.astro';")).toHaveLength(1);
    expect(violations('src/pages/a.astro', "import { openStore } from '../../functions/store/index.ts';")).toHaveLength(1);
    expect(violations('functions/server/app.ts', "const m = await import('../../src/build/portal/data.ts');")).toHaveLength(1);
    expect(violations('functions/server/app.ts', "import type { Agency } from '../../src/core/registry/schema.ts';")).toEqual([]);
    expect(violations('src/pages/a.astro', "import { getSite } from '../import/site.ts';")).toEqual([]);
  });

  it('no file imports across a forbidden boundary', () => {
    const found = [...sources('src'), ...sources('functions')].flatMap((file) => violations(file, readFileSync(join(root, file), 'utf8')));
    expect(found).toEqual([]);
  });
});
