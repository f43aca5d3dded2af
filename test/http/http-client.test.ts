import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineError } from '../../src/http/deadline-error.js';
import { fetchWithDeadlines, sendWithDeadlines } from '../../src/http/http-client.js';

/** A real server on 127.0.0.1 whose routes each stall at a different point. */
let server: http.Server;
let base: string;
const open = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    switch (req.url) {
      case '/no-headers':
        return;
      case '/no-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.flushHeaders();
        return;
      case '/trickle': {
        // One byte every 100 ms for a second: never idle for long, but slow as a whole.
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          res.write('x');
          if (++sent === 10) {
            clearInterval(timer);
            res.end();
          }
        }, 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/half':
        res.writeHead(503, { 'content-type': 'application/json' });
        res.write('{"error":');
        return;
      default:
        res.end('hello');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const LONG = 60_000;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('sendWithDeadlines', () => {
  it('gives up on headers after headersMs, naming the phase, the wait and the path', async () => {
    const error = await failure(sendWithDeadlines(fetch, `${base}/no-headers`, {}, { headersMs: 300 }));
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error).toMatchObject({ phase: 'headers', ms: 300, message: 'no response headers within 300 ms (/no-headers)' });
  });

  it('gives up on the first bytes after firstByteMs, once the headers came', async () => {
    const reply = await sendWithDeadlines(fetch, `${base}/no-body`, {}, { headersMs: LONG, firstByteMs: 300, idleMs: LONG });
    expect(reply.status).toBe(200);
    expect(await failure(reply.read())).toMatchObject({ name: 'DeadlineError', phase: 'first-byte', ms: 300 });
  });

  it('counts idleMs from each piece, so a slow but steady body is read whole', async () => {
    const reply = await sendWithDeadlines(fetch, `${base}/trickle`, {}, { headersMs: LONG, idleMs: 400 });
    let text = '';
    for (let next = await reply.read(); !next.done; next = await reply.read()) text += Buffer.from(next.value).toString();
    expect(text).toBe('x'.repeat(10));
  });

  it('bounds a whole body read with bodyMs, even while bytes trickle in', async () => {
    const reply = await sendWithDeadlines(fetch, `${base}/trickle`, {}, { headersMs: LONG, idleMs: LONG, bodyMs: 300 });
    expect(await failure(reply.text())).toMatchObject({ phase: 'body', ms: 300 });
  });

  it('gives up on an error body that stops half-way', async () => {
    const reply = await sendWithDeadlines(fetch, `${base}/half`, {}, { headersMs: LONG, bodyMs: 300 });
    expect(reply.status).toBe(503);
    expect(await failure(reply.text())).toMatchObject({ phase: 'body' });
  });

  it.each([
    ['before the headers', '/no-headers'],
    ['while the body is awaited', '/no-body'],
  ])("ends with the caller's own abort reason %s", async (_when, route) => {
    const controller = new AbortController();
    const reason = new DOMException('stopped by the user', 'AbortError');
    setTimeout(() => controller.abort(reason), 200);
    const started = Date.now();
    const error = await failure(
      (async () => {
        const reply = await sendWithDeadlines(fetch, `${base}${route}`, { signal: controller.signal }, { headersMs: LONG, firstByteMs: LONG });
        await reply.read();
      })(),
    );
    expect(error).toBe(reason);
    expect(Date.now() - started).toBeLessThan(LONG / 2);
  });

  it('refuses at once when the caller has already aborted', async () => {
    const reason = new Error('already');
    await expect(sendWithDeadlines(fetch, `${base}/`, { signal: AbortSignal.abort(reason) }, { headersMs: LONG })).rejects.toBe(reason);
  });

  it('reads a healthy reply as it is, and leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const reply = await sendWithDeadlines(fetch, `${base}/`, {}, { headersMs: LONG, firstByteMs: LONG, idleMs: LONG, bodyMs: LONG });
    expect(await reply.text()).toBe('hello');
    expect(timers()).toBe(before);
    const streamed = await sendWithDeadlines(fetch, `${base}/`, {}, { headersMs: LONG, firstByteMs: LONG, idleMs: LONG });
    while (!(await streamed.read()).done);
    expect(timers()).toBe(before);
  });
});

describe('fetchWithDeadlines', () => {
  it('is a fetch whose body reads are bounded', async () => {
    const timedFetch = fetchWithDeadlines(fetch, { headersMs: LONG, firstByteMs: 300 });
    const response = await timedFetch(`${base}/no-body`);
    expect(response.status).toBe(200);
    expect(await failure(response.text())).toMatchObject({ phase: 'first-byte' });
    expect(await (await timedFetch(`${base}/`)).text()).toBe('hello');
  });

  it('gives up on headers like the rest', async () => {
    expect(await failure(fetchWithDeadlines(fetch, { headersMs: 300 })(`${base}/no-headers`))).toMatchObject({ phase: 'headers' });
  });
});
