/**
 * The models a ChatGPT account can use through the Codex backend: the one place to edit when
 * OpenAI adds or retires a model. Each entry with `fast: true` is also listed as `<id>-fast`, the
 * same model on the priority service tier.
 *
 * Matches what OpenCode 1.18.33's own ChatGPT plugin lists for an `oauth` record (its models.dev
 * snapshot, trimmed to Codex models, at zero cost): no -pro models, no gpt-5.6 without a suffix,
 * no API-only models (gpt-4o, gpt-4.1, image, nano). `OPENCODE_MULTI_AUTH_MODELS` edits the list
 * without a release.
 */
/** Model suffix that asks for the priority service tier, as OpenCode's own model catalog offers it. */
export const FAST_SUFFIX = '-fast';

export interface CodexModelSpec {
  /** The id OpenCode lists and the backend receives. */
  id: string;
  name: string;
  /** models.dev family (OpenCode groups by it and picks small models by it). */
  family: string;
  /** YYYY-MM-DD; OpenCode sorts by it. */
  releaseDate: string;
  /** Token limits on the Codex backend, which can be lower than the API's. */
  limit: { context: number; input: number; output: number };
  /** Also list `<id>-fast` (priority service tier). */
  fast: boolean;
  /** Whether the model accepts a temperature (OpenCode sends one only then; the shaping removes it anyway). */
  temperature: boolean;
  /** Whether PDF attachments are accepted (images always are). */
  pdf: boolean;
}

const LIMIT_128K = { context: 128_000, input: 100_000, output: 32_000 };
const LIMIT_400K = { context: 400_000, input: 272_000, output: 128_000 };
const LIMIT_1M = { context: 1_050_000, input: 922_000, output: 128_000 };

export const CODEX_MODELS: readonly CodexModelSpec[] = [
  {
    id: 'gpt-5.3-codex-spark',
    name: 'GPT-5.3 Codex Spark',
    family: 'gpt-codex-spark',
    releaseDate: '2026-02-05',
    limit: LIMIT_128K,
    fast: false,
    temperature: false,
    pdf: true,
  },
  { id: 'gpt-5.4', name: 'GPT-5.4', family: 'gpt', releaseDate: '2026-03-05', limit: LIMIT_1M, fast: true, temperature: true, pdf: true },
  { id: 'gpt-5.4-mini', name: 'GPT-5.4 mini', family: 'gpt-mini', releaseDate: '2026-03-17', limit: LIMIT_400K, fast: true, temperature: true, pdf: false },
  { id: 'gpt-5.5', name: 'GPT-5.5', family: 'gpt', releaseDate: '2026-04-23', limit: LIMIT_400K, fast: true, temperature: false, pdf: true },
  { id: 'gpt-5.6-sol', name: 'GPT-5.6 Sol', family: 'gpt-sol', releaseDate: '2026-07-09', limit: LIMIT_400K, fast: true, temperature: false, pdf: true },
  { id: 'gpt-5.6-terra', name: 'GPT-5.6 Terra', family: 'gpt-terra', releaseDate: '2026-07-09', limit: LIMIT_400K, fast: true, temperature: false, pdf: true },
  { id: 'gpt-5.6-luna', name: 'GPT-5.6 Luna', family: 'gpt-luna', releaseDate: '2026-07-09', limit: LIMIT_400K, fast: true, temperature: false, pdf: true },
  { id: 'gpt-6-astra', name: 'GPT-6 Astra', family: 'gpt-astra', releaseDate: '2026-09-04', limit: LIMIT_1M, fast: true, temperature: false, pdf: true },
  { id: 'gpt-6-sol', name: 'GPT-6 Sol', family: 'gpt-sol', releaseDate: '2026-09-22', limit: LIMIT_1M, fast: true, temperature: false, pdf: true },
  { id: 'gpt-6-luna', name: 'GPT-6 Luna', family: 'gpt-luna', releaseDate: '2026-09-22', limit: LIMIT_1M, fast: true, temperature: false, pdf: true },
];

/**
 * What a model added with `OPENCODE_MULTI_AUTH_MODELS=+id` gets when neither this list nor
 * OpenCode's catalog knows it: the limits most current Codex models share.
 */
export const UNKNOWN_MODEL_DEFAULTS: Omit<CodexModelSpec, 'id' | 'name'> = {
  family: 'gpt',
  releaseDate: '',
  limit: LIMIT_400K,
  fast: false,
  temperature: false,
  pdf: true,
};
