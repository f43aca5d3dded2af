import { systemClock, type Clock } from '../clock.js';
import { readConfig, type Config, type ConfigProblem } from '../config/config.js';
import { errorResponse } from '../codex/error-response.js';
import { CodexRequestPath } from '../codex/request-path.js';
import { fetchWithDeadlines, SMALL_REPLY_DEADLINES, type Deadlines } from '../http/http-client.js';
import { createLogger, fileSink, type Logger, type LogSink } from '../log/logger.js';
import { TuiNotifier } from '../notify/notifier.js';
import type { ToastClient } from '../notify/toast-sender.js';
import { AccountRotator } from '../rotator/rotator.js';
import { AccountStore } from '../store/account-store.js';
import { StoreUnreadableError } from '../store/errors.js';
import type { CatalogModel } from '../store/schema.js';
import { listedCatalogs } from '../models/catalog-models.js';
import { TokenKeeper } from '../tokens/token-keeper.js';
import { BackgroundUsageRefresher } from '../usage/background-refresher.js';
import { UsageRefreshQueue } from '../usage/refresh-queue.js';
import type { Readiness } from './provider-fetch.js';
import { PACKAGE_NAME, packageVersion } from './version.js';

export interface PluginRuntimeOptions {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Where log lines go. Default: the configured log file. */
  logSink?: LogSink;
  /** OpenCode's client (`PluginInput.client`), for toasts in the TUI. Without it nothing is shown. */
  toastClient?: ToastClient;
  /** Deadlines of the usage, issuer and catalog requests. Default {@link SMALL_REPLY_DEADLINES}. */
  smallReplyDeadlines?: Deadlines;
}

/** How often an unreadable store is tried again, so a fixed file is picked up without a restart. */
const UNREADABLE_RETRY_MS = 5_000;

/**
 * Everything one plugin instance owns: config, store, token keeper, rotator and request path.
 * Nothing here is module-level, so two instances (two OpenCode workspaces, two tests) never share state.
 */
export class PluginRuntime {
  readonly config: Config;
  readonly configProblems: ConfigProblem[];
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: AccountStore;
  readonly tokens: TokenKeeper;
  readonly rotator: AccountRotator;
  readonly requestPath: CodexRequestPath;
  readonly refreshQueue: UsageRefreshQueue;
  readonly backgroundRefresher: BackgroundUsageRefresher;
  readonly notifier: TuiNotifier;
  readonly version = packageVersion();

  #loaded = false;
  #settingsNoticeShown = false;
  #unreadable: { error: StoreUnreadableError; at: number } | undefined;
  readonly #send = (request: Parameters<CodexRequestPath['send']>[0]) => this.requestPath.send(request);

  constructor(options: PluginRuntimeOptions = {}) {
    const { config, problems } = readConfig(options.env ?? process.env);
    this.config = config;
    this.configProblems = problems;
    this.clock = options.clock ?? systemClock;
    this.logger = createLogger(config.logLevel, options.logSink ?? fileSink(config.logFile));
    for (const problem of problems) this.logger.warn(problem.message, { variable: problem.variable });
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    // Model requests get the reply path's own deadlines (config); everything else these.
    const smallReplyFetch = fetchWithDeadlines(fetchImpl, options.smallReplyDeadlines ?? SMALL_REPLY_DEADLINES);
    this.store = new AccountStore({ dir: config.storeDir, clock: this.clock, logger: this.logger });
    this.tokens = new TokenKeeper({
      store: this.store,
      issuer: config.authIssuer,
      clock: this.clock,
      refreshMarginMs: config.tokenRefreshMargin,
      fetch: smallReplyFetch,
      logger: this.logger,
    });
    this.notifier = new TuiNotifier({
      client: options.toastClient,
      config,
      configProblems: problems,
      store: this.store,
      clock: this.clock,
      logger: this.logger,
    });
    this.rotator = new AccountRotator({
      strategy: config.strategy,
      pauseAtPercent: config.pauseAtPercent,
      snapshotStaleAfterMs: config.snapshotStaleAfter,
      useCredits: config.useCredits,
    });
    this.requestPath = new CodexRequestPath({
      store: this.store,
      tokens: this.tokens,
      rotator: this.rotator,
      config,
      clock: this.clock,
      logger: this.logger,
      fetch: fetchImpl,
      pluginAgent: `${PACKAGE_NAME}/${this.version}`,
      onEvent: this.notifier.onRoutingEvent,
    });
    this.refreshQueue = new UsageRefreshQueue({
      store: this.store,
      tokens: this.tokens,
      config,
      fetch: smallReplyFetch,
      clock: this.clock,
      logger: this.logger,
    });
    this.backgroundRefresher = new BackgroundUsageRefresher({ queue: this.refreshQueue, store: this.store, config, clock: this.clock, logger: this.logger });
  }

  /**
   * Starts keeping usage snapshots current in the background (only one process on the machine
   * polls at a time; the others wait on the lease). Called when OpenCode first loads the provider.
   */
  startBackgroundWork(): void {
    if (this.configProblems.some((problem) => problem.fatal)) return;
    this.backgroundRefresher.start();
  }

  /**
   * Settings that were not accepted go to the log, which nobody reads: the first request the user sees
   * is answered with them instead (once per OpenCode start; the next request runs with the defaults).
   */
  settingsNotice(): Response | undefined {
    if (this.configProblems.length === 0 || this.#settingsNoticeShown) return undefined;
    this.#settingsNoticeShown = true;
    return errorResponse(400, {
      message:
        `opencode-multi-auth-codex: ${this.configProblems.map((problem) => problem.message).join(' ')} ` +
        'Fix or unset these variables (`opencode-multi-auth doctor` lists them). This message is shown once; send the request again to go on with the defaults.',
      type: 'invalid_request_error',
      code: 'invalid_settings',
    });
  }

  /** Whether requests can be routed now; if not, a reply that tells the user what is wrong and what to do. */
  async readiness(): Promise<Readiness> {
    const unusablePath = this.configProblems.find((problem) => problem.fatal);
    if (unusablePath) {
      // Not the default folder instead: that would be another store, with other accounts.
      return {
        ready: false,
        explain: () =>
          errorResponse(401, {
            message: `opencode-multi-auth-codex is not configured correctly: ${unusablePath.message} Run \`opencode-multi-auth doctor\` for what to do.`,
            type: 'invalid_request_error',
            code: 'invalid_config',
          }),
      };
    }
    const now = this.clock.now();
    if (this.#unreadable && now - this.#unreadable.at < UNREADABLE_RETRY_MS) return this.#standAside(this.#unreadable.error);
    let accounts: number;
    try {
      const data = this.#loaded ? await this.store.current() : await this.store.load();
      this.#loaded = true;
      if (this.#unreadable) this.logger.info('account store readable again', { file: this.store.filePath });
      this.#unreadable = undefined;
      accounts = data.accounts.length;
      this.notifier.start();
    } catch (error) {
      if (!(error instanceof StoreUnreadableError)) throw error;
      if (!this.#unreadable) this.logger.error(error.message, { file: error.filePath });
      this.#unreadable = { error, at: now };
      return this.#standAside(error);
    }
    if (accounts === 0) {
      return {
        ready: false,
        explain: () =>
          errorResponse(401, {
            message: `opencode-multi-auth-codex has no ChatGPT account yet (store: ${this.store.filePath}). Add one with \`opencode-multi-auth login\` (or \`opencode auth login\` → OpenAI), then try again. \`opencode-multi-auth doctor\` checks the setup.`,
            type: 'invalid_request_error',
            code: 'no_accounts',
          }),
      };
    }
    return { ready: true, send: this.#send };
  }

  /**
   * The model catalogs of the enabled accounts, as last read by the usage refresher: a read of the
   * local store, never of the network, so OpenCode's startup never waits on the backend. Empty when
   * none has been read yet or the store cannot be read (OpenCode then gets the built-in list).
   */
  async modelCatalogs(): Promise<CatalogModel[][]> {
    try {
      return listedCatalogs((await this.store.current()).accounts);
    } catch (error) {
      this.logger.warn('could not read the model catalogs; listing the built-in models', { error: error instanceof Error ? error.message : String(error) });
      return [];
    }
  }

  #standAside(error: StoreUnreadableError): Readiness {
    return {
      ready: false,
      explain: () =>
        errorResponse(401, {
          message: `opencode-multi-auth-codex cannot use its account store: ${error.message} Run \`opencode-multi-auth doctor\` for what to do.`,
          type: 'invalid_request_error',
          code: 'store_unreadable',
        }),
    };
  }

  async dispose(): Promise<void> {
    this.notifier.dispose();
    await this.backgroundRefresher.stop().catch((error: unknown) => this.logger.warn('stopping the usage refresher failed', { error: String(error) }));
    await this.store.close().catch((error: unknown) => this.logger.warn('closing the store failed', { error: String(error) }));
  }
}
