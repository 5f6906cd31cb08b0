import type { AstroIntegration } from 'astro';
import { readSettings } from '../core/settings.ts';
import { calendarWarning, loadPolicyView } from '../import/policy/view.ts';

/** Checks policy.yaml and holidays.yaml before the build (a broken file stops it) and warns about holiday coverage. */
export function policyCheckIntegration(): AstroIntegration {
  return {
    name: 'gongshi-policy-check',
    hooks: {
      'astro:build:start': async ({ logger }) => {
        const warning = calendarWarning(await loadPolicyView(readSettings().contentDir));
        if (warning) logger.warn(warning);
      },
    },
  };
}
