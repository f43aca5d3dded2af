import type { PluginModule } from '@opencode-ai/plugin';
import { server } from './plugin/server.js';

/**
 * The package entry. OpenCode refuses a module whose exports are not all plugins, so this exports
 * the plugin and nothing else; library code lives behind the other modules.
 */
const plugin: PluginModule & { id: string } = { id: 'opencode-multi-auth-codex', server };

export default plugin;
