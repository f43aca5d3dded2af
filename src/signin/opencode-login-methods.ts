import { checkAlias } from '../store/alias.js';
import type { AuthHook } from '@opencode-ai/plugin';
import type { AccountStore } from '../store/account-store.js';
import { addSignedInAccount, type SignInOrigin } from './add-signed-in-account.js';
import { startBrowserSignIn } from './browser-flow.js';
import { NoFreeCallbackPortError } from './errors.js';
import { startDeviceSignIn } from './device-flow.js';
import type { Grant } from './grant.js';
import type { FetchLike } from './issuer-http.js';
import { PLACEHOLDER_API_KEY } from './opencode-auth-record.js';

type LoginMethod = AuthHook['methods'][number] & { type: 'oauth' };
type OAuthOutcome = Awaited<ReturnType<Extract<Awaited<ReturnType<LoginMethod['authorize']>>, { method: 'auto' }>['callback']>>;

export interface LoginMethodsOptions {
  store: AccountStore;
  /** config.authIssuer. */
  issuer: string;
  fetch?: FetchLike;
  now?: () => number;
  /** Callback ports; default 1455, then 1457. */
  ports?: readonly number[];
  /** Told about failures (OpenCode only shows "failed"). */
  onError?: (error: unknown) => void;
}

const ALIAS_PROMPT = {
  type: 'text' as const,
  key: 'alias',
  message: 'Alias for this account (empty: from its email)',
  placeholder: 'work',
  validate: (value: string) => {
    if (value.trim() === '') return undefined;
    const checked = checkAlias(value);
    return checked.ok ? undefined : `Not a usable alias: ${checked.problem}.`;
  },
};

/**
 * The sign-in methods offered under `opencode auth login` → OpenAI. Each stores the account in the
 * plugin's store and answers OpenCode with the placeholder API key, so OpenCode writes the `openai`
 * record that makes it load the plugin (and never holds a refresh token itself).
 */
export function createLoginMethods(options: LoginMethodsOptions): LoginMethod[] {
  const now = options.now ?? Date.now;
  const finish = async (grant: Promise<Grant>, origin: () => SignInOrigin, alias: string | undefined): Promise<OAuthOutcome> => {
    try {
      const checked = alias && alias.trim() !== '' ? checkAlias(alias) : undefined;
      await addSignedInAccount(options.store, await grant, { alias: checked?.ok ? checked.alias : undefined, origin: origin(), now: now() });
      return { type: 'success', key: PLACEHOLDER_API_KEY };
    } catch (error) {
      options.onError?.(error);
      return { type: 'failed' };
    }
  };
  return [
    {
      type: 'oauth',
      label: 'ChatGPT account, added to multi-auth (browser)',
      prompts: [ALIAS_PROMPT],
      async authorize(inputs) {
        const signIn = await startBrowserSignIn({ issuer: options.issuer, fetch: options.fetch, ports: options.ports });
        return {
          url: signIn.url,
          instructions: 'Sign in in the browser that opened; this window continues by itself.',
          method: 'auto',
          callback: () => finish(signIn.waitForTokens(), () => signIn.via ?? 'browser', inputs?.alias),
        };
      },
    },
    {
      type: 'oauth',
      label: 'ChatGPT account, added to multi-auth (headless: device code)',
      prompts: [ALIAS_PROMPT],
      async authorize(inputs) {
        const signIn = await startDeviceSignIn({ issuer: options.issuer, fetch: options.fetch });
        return {
          url: signIn.verificationUrl,
          instructions: `Open the address on any device and enter the code ${signIn.userCode}`,
          method: 'auto',
          callback: () => finish(signIn.waitForTokens(), () => 'device', inputs?.alias),
        };
      },
    },
    {
      type: 'oauth',
      label: 'ChatGPT account, added to multi-auth (paste the redirect address)',
      prompts: [ALIAS_PROMPT],
      async authorize(inputs) {
        // With both callback ports held by another program the paste needs no server of its own.
        const start = (listen: boolean) => startBrowserSignIn({ issuer: options.issuer, fetch: options.fetch, ports: options.ports, listen });
        const signIn = await start(true).catch((error: unknown) => {
          if (error instanceof NoFreeCallbackPortError) return start(false);
          throw error;
        });
        return {
          url: signIn.url,
          instructions: `Sign in, then paste the address the browser ends on (http://localhost:${signIn.port}/auth/callback?code=...)`,
          method: 'code',
          callback: (code: string) => {
            const grant = signIn.via === 'browser' ? signIn.waitForTokens() : signIn.submitPaste(code);
            return finish(grant, () => signIn.via ?? 'pasted', inputs?.alias).finally(() => signIn.close());
          },
        };
      },
    },
  ];
}
