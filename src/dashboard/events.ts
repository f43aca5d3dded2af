import type { ServerResponse } from 'node:http';

/** Server-sent events to every open page. Each event is one JSON object. */
export class EventHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #heartbeat: ReturnType<typeof setInterval>;

  /** `heartbeatMs`: a comment line this often keeps proxies and idle timers from closing the stream. Default 15 s. */
  constructor(heartbeatMs = 15_000) {
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) client.write(': keep-alive\n\n');
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Turns the response into an event stream; `first` is sent at once so the page never starts empty. */
  attach(res: ServerResponse, headers: Record<string, string>, first?: { event: string; data: unknown }): void {
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    if (first) res.write(formatEvent(first.event, first.data));
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  broadcast(event: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    const text = formatEvent(event, data);
    for (const client of this.#clients) client.write(text);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

function formatEvent(event: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so one data line always suffices.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
