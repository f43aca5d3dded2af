import { pkceChallenge, randomId, randomUserCode } from './ids.js';

interface AuthorizationCode {
  accountId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  used: boolean;
}

interface DeviceAuthorization {
  deviceAuthId: string;
  userCode: string;
  pendingPolls: number;
  approvedAs?: string;
  /** Issued once the device code is approved and first polled; repeated on later polls. */
  grant?: { authorization_code: string; code_challenge: string; code_verifier: string };
}

export type RedeemOutcome = { ok: true; accountId: string } | { ok: false; description: string };

export type DevicePoll =
  { state: 'unknown' } | { state: 'pending' } | { state: 'approved'; grant: { authorization_code: string; code_challenge: string; code_verifier: string } };

/**
 * The issuer's sign-in memory: who signs in next, the authorization codes handed out by
 * /oauth/authorize and by the device flow, and the device codes waiting for approval.
 */
export class SignInBook {
  /** The account the next browser or device sign-in completes as. */
  accountId: string | undefined;
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly devices = new Map<string, DeviceAuthorization>();

  issueCode(grant: Omit<AuthorizationCode, 'used'>): string {
    const code = randomId('ac_', 24);
    this.codes.set(code, { ...grant, used: false });
    return code;
  }

  accountOfCode(code: string): string | undefined {
    return this.codes.get(code)?.accountId;
  }

  /** Spends an authorization code; codes are single-use and bound to the client, redirect and PKCE challenge. */
  redeemCode(code: string, presented: { clientId: string; redirectUri: string | undefined; codeVerifier: string | undefined }): RedeemOutcome {
    const grant = this.codes.get(code);
    if (!grant) return { ok: false, description: 'Unknown authorization code.' };
    if (grant.used) return { ok: false, description: 'Authorization code has already been used.' };
    if (grant.clientId !== presented.clientId) return { ok: false, description: 'Authorization code was issued to another client.' };
    if (grant.redirectUri !== presented.redirectUri) return { ok: false, description: 'redirect_uri does not match the authorization request.' };
    if (!presented.codeVerifier) return { ok: false, description: 'code_verifier is required.' };
    if (pkceChallenge(presented.codeVerifier) !== grant.codeChallenge) {
      return { ok: false, description: 'code_verifier does not match the code_challenge.' };
    }
    grant.used = true;
    return { ok: true, accountId: grant.accountId };
  }

  startDevice(): { deviceAuthId: string; userCode: string } {
    const device: DeviceAuthorization = { deviceAuthId: randomId('deviceauth_', 16), userCode: randomUserCode(), pendingPolls: 0 };
    this.devices.set(device.deviceAuthId, device);
    return { deviceAuthId: device.deviceAuthId, userCode: device.userCode };
  }

  approveDevice(userCode: string, accountId: string): void {
    const device = [...this.devices.values()].find((d) => d.userCode === userCode);
    if (!device) throw new Error(`simulator: no pending device code ${userCode}`);
    device.approvedAs = accountId;
  }

  accountOfDevice(deviceAuthId: string): string | undefined {
    return this.devices.get(deviceAuthId)?.approvedAs;
  }

  /**
   * One poll of the device token route. With `autoApproveAfterPolls` set, that many polls answer
   * pending and the next one finds the code approved as `signInAccount`.
   */
  pollDevice(
    deviceAuthId: string,
    userCode: string,
    options: { autoApproveAfterPolls: number | undefined; signInAccount: string | undefined; redirectUri: string; clientId: string },
  ): DevicePoll {
    const device = this.devices.get(deviceAuthId);
    if (!device || device.userCode !== userCode) return { state: 'unknown' };
    if (!device.approvedAs && options.autoApproveAfterPolls !== undefined && options.signInAccount !== undefined) {
      if (device.pendingPolls >= options.autoApproveAfterPolls) device.approvedAs = options.signInAccount;
    }
    if (!device.approvedAs) {
      device.pendingPolls += 1;
      return { state: 'pending' };
    }
    if (!device.grant) {
      const verifier = randomId('', 48);
      const challenge = pkceChallenge(verifier);
      const code = this.issueCode({
        accountId: device.approvedAs,
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        codeChallenge: challenge,
      });
      device.grant = { authorization_code: code, code_challenge: challenge, code_verifier: verifier };
    }
    return { state: 'approved', grant: device.grant };
  }
}
