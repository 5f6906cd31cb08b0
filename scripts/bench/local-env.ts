/** The deployment's own settings: a bench run on a developer's or operator's machine must not pick them up. */
const DEPLOYMENT_SETTINGS = ['SITE_URL', 'DATABASE_URL', 'SMTP_URL', 'ROSTER_STORE_URL', 'BUILD_HOOK_URL', 'SECRET'];

/** This process's environment with `settings` over it and without the deployment's settings: a local run's defaults. */
export function localEnv(settings: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...settings };
  for (const name of DEPLOYMENT_SETTINGS) delete out[name];
  return out;
}
