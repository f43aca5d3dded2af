import type { AuthHook } from '@opencode-ai/plugin';
import type { Logger } from '../log/logger.js';
import { addSignedInAccount, type SignInOrigin } from '../signin/add-signed-in-account.js';
import { startBrowserSignIn } from '../signin/browser-flow.js';
import { startDeviceSignIn } from '../signin/device-flow.js';
import type { Grant } from '../signin/grant.js';
import { PLACEHOLDER_API_KEY } from '../signin/opencode-auth-record.js';
import type { PluginRuntime } from './plugin-runtime.js';

type Method = AuthHook['methods'][number];

const ALIAS_PROMPT = {
  type: 'text' as const,
  key: 'alias',
  message: 'A short name for this account (e.g. work, personal)',
  placeholder: 'work',
  validate: (value: string) => (/^[\w.@-]{0,40}$/.test(value.trim()) ? undefined : 'Use letters, digits, . _ - or @ (at most 40).'),
};

/**
 * After a sign-in the account goes into our store, and OpenCode keeps only a placeholder `api`
 * record: enough for it to call our loader, with no refresh token another plugin could spend.
 */
async function store(runtime: PluginRuntime, logger: Logger, grant: Grant, origin: SignInOrigin, alias: string | undefined) {
  try {
    const result = await addSignedInAccount(runtime.store, grant, { alias: alias?.trim() || undefined, origin, now: runtime.clock.now() });
    logger.info(result.created ? 'account added' : 'account signed in again', { alias: result.account.alias, origin });
    return { type: 'success' as const, key: PLACEHOLDER_API_KEY };
  } catch (error) {
    logger.error('could not store the signed-in account', { error: error instanceof Error ? error.message : String(error) });
    return { type: 'failed' as const };
  }
}

function failed(logger: Logger, step: string, error: unknown) {
  logger.error(`sign-in failed: ${step}`, { error: error instanceof Error ? error.message : String(error) });
  return { type: 'failed' as const };
}

/** The sign-in methods `opencode auth login` → OpenAI offers, each adding an account to our store. */
export function loginMethods(runtime: PluginRuntime): Method[] {
  const issuer = runtime.config.authIssuer;
  const logger = runtime.logger;
  return [
    {
      type: 'oauth',
      label: 'ChatGPT account, in a browser (multi-account)',
      prompts: [ALIAS_PROMPT],
      async authorize(inputs) {
        const signIn = await startBrowserSignIn({ issuer });
        return {
          url: signIn.url,
          instructions: 'Sign in in the browser window; this finishes by itself. Run it again to add another account.',
          method: 'auto',
          async callback() {
            try {
              return await store(runtime, logger, await signIn.waitForTokens(), 'browser', inputs?.alias);
            } catch (error) {
              await signIn.close().catch(() => {});
              return failed(logger, 'browser', error);
            }
          },
        };
      },
    },
    {
      type: 'oauth',
      label: 'ChatGPT account, headless with a device code (multi-account)',
      prompts: [ALIAS_PROMPT],
      async authorize(inputs) {
        const signIn = await startDeviceSignIn({ issuer });
        return {
          url: signIn.verificationUrl,
          instructions: `Open the address on any device and enter the code ${signIn.userCode}`,
          method: 'auto',
          async callback() {
            try {
              return await store(runtime, logger, await signIn.waitForTokens(), 'device', inputs?.alias);
            } catch (error) {
              return failed(logger, 'device code', error);
            }
          },
        };
      },
    },
    {
      type: 'oauth',
      label: 'ChatGPT account, paste the redirect address (over SSH, multi-account)',
      prompts: [ALIAS_PROMPT],
      async authorize(inputs) {
        const signIn = await startBrowserSignIn({ issuer });
        return {
          url: signIn.url,
          instructions: 'Open the address, sign in, then paste the address the browser ended on (it may fail to load; that is fine) or its code.',
          method: 'code',
          async callback(pasted: string) {
            try {
              return await store(runtime, logger, await signIn.submitPaste(pasted), 'pasted', inputs?.alias);
            } catch (error) {
              return failed(logger, 'pasted code', error);
            } finally {
              await signIn.close().catch(() => {});
            }
          },
        };
      },
    },
  ];
}
