/**
 * Settings of OpenCode itself that keep it from calling the plugin's fetch at all, so every request
 * would go around the accounts. Found by running the real binary (opencode-ai 1.18.33) against the
 * simulator: with OPENCODE_EXPERIMENTAL_NATIVE_LLM on, OpenCode picks its "native" LLM runtime for
 * `openai` models, which sends the request itself with the placeholder key and never calls the
 * provider fetch the plugin hands it. OPENCODE_EXPERIMENTAL_WEBSOCKETS, tried the same way, does not.
 */
export interface FetchBypass {
  variable: string;
  value: string;
  why: string;
}

/** How OpenCode reads a boolean setting (effect's `Config.boolean`): these spellings are true, case aside. */
const TRUE_SPELLINGS = new Set(['true', 'yes', 'on', '1', 'y']);

export function isOpenCodeFlagOn(value: string | undefined): boolean {
  return value !== undefined && TRUE_SPELLINGS.has(value.trim().toLowerCase());
}

/** Every setting in `env` that would make OpenCode bypass the plugin's fetch. Pure. */
export function fetchBypasses(env: NodeJS.ProcessEnv): FetchBypass[] {
  const bypasses: FetchBypass[] = [];
  const native = env.OPENCODE_EXPERIMENTAL_NATIVE_LLM;
  if (isOpenCodeFlagOn(native)) {
    bypasses.push({
      variable: 'OPENCODE_EXPERIMENTAL_NATIVE_LLM',
      value: native!,
      why: "OpenCode's experimental native LLM runtime sends openai requests itself and never calls the plugin's fetch",
    });
  }
  return bypasses;
}
