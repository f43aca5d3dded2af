import type { Hooks, PluginInput } from '@opencode-ai/plugin';
import { CODEX_MODELS } from '../models/codex-models.js';
import { parseModelEdits } from '../models/model-edits.js';
import { specsFromCatalogs } from '../models/catalog-models.js';
import { codexModels } from '../models/opencode-models.js';
import { PLACEHOLDER_API_KEY } from '../signin/opencode-auth-record.js';
import { createLoginMethods } from '../signin/opencode-login-methods.js';
import { fetchBypasses } from './fetch-bypass.js';
import { createProviderFetch } from './provider-fetch.js';
import { PluginRuntime } from './plugin-runtime.js';

/**
 * The plugin's hooks. OpenCode calls the `openai` auth loader only when its auth.json has an
 * `openai` record; the loader hands back our fetch, which replaces the built-in one.
 */
export function server(input: PluginInput): Promise<Hooks> {
  try {
    return Promise.resolve(buildHooks(input));
  } catch (error) {
    // The plugin must never take OpenCode down: without us, OpenCode still runs with its own providers.
    console.error(`opencode-multi-auth-codex could not start and stands aside: ${error instanceof Error ? error.message : String(error)}`);
    return Promise.resolve({});
  }
}

function buildHooks(input: PluginInput): Hooks {
  const runtime = new PluginRuntime({ toastClient: input.client });
  const providerFetch = createProviderFetch(
    () => runtime.readiness(),
    () => runtime.settingsNotice(),
  );
  const modelEdits = parseModelEdits(runtime.config.models);
  return {
    // Runs for any auth record (OpenCode's own plugin trims the list only for `oauth` ones) and
    // after the built-in plugins, so this list is the one OpenCode shows.
    provider: {
      id: 'openai',
      async models(provider) {
        // The accounts' own catalogs as last read (a local file; never the network), else the data file.
        const specs = specsFromCatalogs(await runtime.modelCatalogs(), CODEX_MODELS) ?? CODEX_MODELS;
        return codexModels({ provider, specs, edits: modelEdits });
      },
    },
    auth: {
      provider: 'openai',
      loader() {
        runtime.startBackgroundWork();
        // Said once per start, where a user looking for why no account is used will look.
        for (const bypass of fetchBypasses(process.env)) {
          runtime.logger.warn(`${bypass.variable}=${bypass.value} is set: ${bypass.why}; unset it to use the accounts`);
        }
        return Promise.resolve({ apiKey: PLACEHOLDER_API_KEY, fetch: providerFetch });
      },
      methods: createLoginMethods({
        store: runtime.store,
        issuer: runtime.config.authIssuer,
        ports: runtime.config.callbackPorts,
        now: () => runtime.clock.now(),
        onError: (error) => runtime.logger.error('sign-in failed', { error: error instanceof Error ? error.message : String(error) }),
      }),
    },
    async dispose() {
      await runtime.dispose();
    },
  };
}
