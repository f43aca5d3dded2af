import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpencodeClient } from '@opencode-ai/sdk/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { Toast } from '../../src/notify/notices.js';
import { sendToast, type ToastClient } from '../../src/notify/toast-sender.js';

interface Received {
  method?: string;
  url?: string;
  body: unknown;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP server on 127.0.0.1 standing in for OpenCode's: `answer` decides what it does with each request. */
async function opencodeServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body: text ? JSON.parse(text) : undefined });
      answer(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The same SDK client OpenCode hands the plugin, pointed at this server.
  const client = createOpencodeClient({ baseUrl: `http://127.0.0.1:${port}`, directory: '/work/project' }) as ToastClient;
  return { client, received };
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)), lines };
}

const toast: Toast = { title: 'Account switched: work → personal', message: 'A session moved.', variant: 'info', duration: 8_000 };

describe('sendToast through the SDK client OpenCode hands the plugin', { timeout: 20_000 }, () => {
  it('posts the toast to /tui/show-toast', async () => {
    const { client, received } = await opencodeServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('true'));
    const { logger, lines } = capturingLogger();
    await sendToast(client, toast, logger);
    expect(received).toEqual([{ method: 'POST', url: '/tui/show-toast', body: toast }]);
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', message: 'toast shown', title: toast.title })]);
  });

  it('says at debug level only that an absent endpoint did not show it', async () => {
    const { client } = await opencodeServer((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"name":"NotFound"}'));
    const { logger, lines } = capturingLogger();
    await sendToast(client, toast, logger);
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', message: 'toast not shown', why: 'HTTP 404' })]);
  });

  it('gives up on a server that never answers at its deadline', async () => {
    const { client, received } = await opencodeServer(() => {});
    const { logger, lines } = capturingLogger();
    await sendToast(client, toast, logger, 200);
    expect(received).toHaveLength(1);
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', message: 'toast not shown', why: 'no answer within 200 ms' })]);
  });

  it('swallows a refused connection', async () => {
    const { client } = await opencodeServer(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const { logger, lines } = capturingLogger();
    await expect(sendToast(client, toast, logger)).resolves.toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', message: 'toast not shown' })]);
  });

  it('swallows a client without the TUI API (an OpenCode that lacks it)', async () => {
    const { logger, lines } = capturingLogger();
    await expect(sendToast({} as ToastClient, toast, logger)).resolves.toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', message: 'toast not shown' })]);
  });
});
