/**
 * Every callback port was taken by another program. The issuer accepts no other port (PROTOCOL.md
 * §8), so the honest ways on are the device code and the paste sign-in, which need no local port.
 */
export class NoFreeCallbackPortError extends Error {
  override readonly name = 'NoFreeCallbackPortError';
  constructor(readonly ports: readonly number[]) {
    super(
      `Could not listen for the sign-in callback: ${ports.length === 1 ? `port ${ports[0]} is` : `ports ${ports.join(' and ')} are all`} in use ` +
        '(often another sign-in in progress: the codex CLI, OpenCode or a second `opencode-multi-auth login`), and the ' +
        'sign-in server accepts no other port. Sign in with a device code (`opencode-multi-auth login --headless`), or ' +
        'paste the address the browser ends on (`opencode-multi-auth login --paste`), or close that program and try again.',
    );
  }
}

/** The sign-in was not completed in time. */
export class SignInTimeoutError extends Error {
  override readonly name = 'SignInTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`The sign-in was not completed within ${Math.round(timeoutMs / 1000)}s. Run the sign-in again.`);
  }
}

/** The callback carried a `state` that is not the one this sign-in sent: possibly a forged request. */
export class StateMismatchError extends Error {
  override readonly name = 'StateMismatchError';
  constructor() {
    super('The sign-in answer did not belong to this sign-in (state mismatch), so it was refused. Start the sign-in again.');
  }
}

/** The issuer redirected back with `error=...` instead of a code. */
export class AuthorizationDeniedError extends Error {
  override readonly name = 'AuthorizationDeniedError';
  constructor(
    readonly error: string,
    readonly description?: string,
  ) {
    super(`The sign-in was refused by the issuer: ${error}${description ? ` (${description})` : ''}. Try again, or use another account.`);
  }
}

/** What was pasted is neither a redirect address with a code nor a code. */
export class UnreadablePasteError extends Error {
  override readonly name = 'UnreadablePasteError';
  constructor(readonly problem: string) {
    super(
      `Could not use what was pasted: ${problem}. Paste the full address the browser ended on (it starts with http://localhost:<port>/auth/callback?code=); the sign-in is still waiting.`,
    );
  }
}

/** An HTTP call to the issuer failed. `status` is absent when the issuer could not be reached. */
export class IssuerRequestError extends Error {
  override readonly name = 'IssuerRequestError';
  constructor(
    readonly step: string,
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(
      status === undefined
        ? `Could not reach the sign-in server during ${step}: ${detail}. Check the network and try again.`
        : `The sign-in server answered ${status} during ${step}: ${detail}. Try again; if it keeps failing, use another sign-in method.`,
    );
  }
}

/** The device code was not approved before it expired, or was denied. */
export class DeviceCodeExpiredError extends Error {
  override readonly name = 'DeviceCodeExpiredError';
  constructor(readonly detail: string) {
    super(`The device code was not approved in time (${detail}). Run \`opencode-multi-auth login --headless\` again.`);
  }
}
