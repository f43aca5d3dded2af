import os from 'node:os';
import { readWorkspaceRouting, workspaceRoutingHeaders } from '../tokens/jwt-claims.js';

/** The client version we present as: the codex CLI release the protocol notes were read from. */
export const CODEX_CLI_VERSION = '0.169.0';

/** `codex_cli_rs/<ver> (<os> <ver>; <arch>)`, the shape the official client sends. */
export function codexUserAgent(): string {
  let platform = 'unknown';
  try {
    platform = `${os.type()} ${os.release()}; ${os.arch()}`;
  } catch {
    // Some runtimes restrict os; the agent string stays well-formed anyway.
  }
  return `codex_cli_rs/${CODEX_CLI_VERSION} (${platform})`;
}

/**
 * Headers the Codex backend expects from the official client, for usage reads, probes and the model
 * catalog: with the account's own residency and FedRAMP headers, read from its access token, since a
 * locked workspace refuses every backend route without them (PROTOCOL.md §8).
 */
export function codexRequestHeaders(accessToken: string, chatgptAccountId: string): Record<string, string> {
  return {
    authorization: `Bearer ${accessToken}`,
    'chatgpt-account-id': chatgptAccountId,
    originator: 'codex_cli_rs',
    'user-agent': codexUserAgent(),
    accept: 'application/json',
    ...workspaceRoutingHeaders(readWorkspaceRouting(accessToken)),
  };
}
