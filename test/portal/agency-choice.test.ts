/**
 * Wherever a person picks an agency, the list is grouped by region: the complaint form (the island with
 * JavaScript, the plain form without it, and the form the function renders again after a bad post), the
 * publishing workspace's agency picker and the search page's unit filter. In Chromium at phone size, against the
 * whole stack as `npm start` runs it; every registered agency once, under its own region.
 */
import { islandReady } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { aboutChoices, formWords } from '../../src/core/complaint/fields.ts';
import { stackSkipReason, startStack, type Stack } from '../support/stack.ts';

const PHONE = { width: 390, height: 844 };
const skip = stackSkipReason('agency lists grouped by region', ['complaint/index.html', 'search/index.html']);

interface Group {
  label: string;
  options: { id: string; name: string }[];
}

/** The select's option groups as the browser has them; options outside any group are reported as group "". */
function groupsOf(page: Page, selector: string): Promise<Group[]> {
  return page.locator(selector).evaluate((select: HTMLSelectElement) => {
    const groups: Group[] = [];
    for (const child of select.children) {
      if (child instanceof HTMLOptGroupElement) {
        groups.push({ label: child.label, options: [...child.querySelectorAll('option')].map((o) => ({ id: o.dataset.id ?? o.value, name: o.text })) });
      } else if (child instanceof HTMLOptionElement && child.value) {
        groups.push({ label: '', options: [{ id: child.value, name: child.text }] });
      }
    }
    return groups;
  });
}

describe.skipIf(skip)('agency lists grouped by region', { timeout: 120_000 }, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Every agency of the registry exactly once, in the group of its region, regions in Chinese collation. */
  function expectGrouped(groups: Group[], agencies = stack.app.world.directory.agencies) {
    const byId = new Map(agencies.map((a) => [a.id, a]));
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      for (const o of g.options) expect(byId.get(o.id)?.region, `${o.name} under "${g.label}"`).toBe(g.label);
    }
    const ids = groups.flatMap((g) => g.options.map((o) => o.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(agencies.map((a) => a.id)));
    const labels = groups.map((g) => g.label);
    expect(labels).toEqual([...labels].sort(new Intl.Collator('zh-CN').compare));
  }

  it('the complaint form without JavaScript, and as the function renders it again after a bad post', async () => {
    const context = await stack.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/complaint/`);
    expectGrouped(await groupsOf(page, '#f-agencyId'));
    await page.getByRole('button', { name: formWords.toCheck }).click();
    await page.locator('.error-summary').waitFor();
    expectGrouped(await groupsOf(page, '#f-agencyId'));
    await context.close();
  });

  it('the complaint form with JavaScript (the island)', async () => {
    const context = await stack.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/complaint/`);
    await islandReady(page);
    await page.getByLabel(aboutChoices.unit).check();
    await page.locator('#f-agencyId').waitFor();
    expectGrouped(await groupsOf(page, '#f-agencyId'));
    // Choosing from a group still sets the agency.
    const [first] = (await groupsOf(page, '#f-agencyId'))[0]!.options;
    await page.locator('#f-agencyId').selectOption(first!.id);
    expect(await page.locator('#f-agencyId').inputValue()).toBe(first!.id);
    await context.close();
  });

  it('the publishing workspace’s agency picker', async () => {
    const page = await stack.browser.newPage({ viewport: PHONE });
    await page.goto(`${stack.server.url}/publish/`);
    expectGrouped(await groupsOf(page, '#agency'));
    await page.close();
  });

  it('the search page’s unit filter (the units with a roster)', async () => {
    const page = await stack.browser.newPage({ viewport: PHONE });
    await page.goto(`${stack.server.url}/search/`);
    const groups = await groupsOf(page, '#f-agency');
    const listed = new Set(groups.flatMap((g) => g.options.map((o) => o.id)));
    expectGrouped(
      groups,
      stack.app.world.directory.agencies.filter((a) => listed.has(a.id)),
    );
    await page.close();
  });
});
