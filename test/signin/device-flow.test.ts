import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index.js';
import { startDeviceSignIn } from '../../src/signin/device-flow.js';
import { IssuerRequestError } from '../../src/signin/errors.js';
import { readIdentity } from '../../src/store/jwt-claims.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('device-code sign-in', () => {
  it('shows a code and the address to open, polls until approved, then exchanges the code', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'acct-device', email: 'device@example.test' }] });
    const signIn = await startDeviceSignIn({ issuer: sim.issuer, pollIntervalMs: 10 });
    expect(signIn.userCode).toMatch(/\S+/);
    expect(signIn.verificationUrl).toBe(`${sim.issuer}/codex/device`);
    const tokens = signIn.waitForTokens();
    // Still pending: approve only after a few polls have been answered 403.
    await new Promise((resolve) => setTimeout(resolve, 50));
    sim.approveDeviceCode(signIn.userCode);
    const grant = await tokens;
    expect(readIdentity(grant)).toMatchObject({ chatgptAccountId: 'acct-device', email: 'device@example.test' });
  });

  it('stops polling when cancelled', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'acct-device' }] });
    const signIn = await startDeviceSignIn({ issuer: sim.issuer, pollIntervalMs: 10 });
    const tokens = signIn.waitForTokens();
    signIn.cancel();
    await expect(tokens).rejects.toThrow(/cancelled/);
  });

  it('reports an issuer that cannot be reached as a network problem', async () => {
    await expect(startDeviceSignIn({ issuer: 'http://127.0.0.1:9' })).rejects.toSatisfy(
      (error: unknown) => error instanceof IssuerRequestError && error.status === undefined && /Could not reach/.test(error.message),
    );
  });
});
