/** Sign-in: what the plugin entry and the command-line tool call. */
export { addSignedInAccount, type AddSignedInAccountOptions, type AddSignedInAccountResult, type SignInOrigin } from './add-signed-in-account.js';
export { startBrowserSignIn, type BrowserSignIn, type BrowserSignInOptions } from './browser-flow.js';
export { DEFAULT_CALLBACK_PORTS, startCallbackServer } from './callback-server.js';
export { startDeviceSignIn, type DeviceSignIn, type DeviceSignInOptions } from './device-flow.js';
export * from './errors.js';
export type { Grant } from './grant.js';
export { createLoginMethods, type LoginMethodsOptions } from './opencode-login-methods.js';
export {
  PLACEHOLDER_API_KEY,
  classifyOpenAiRecord,
  ensurePlaceholder,
  openCodeAuthPath,
  readOpenCodeAuth,
  type EnsurePlaceholderResult,
  type OpenAiRecordKind,
} from './opencode-auth-record.js';
export { readPastedCode } from './paste-flow.js';
