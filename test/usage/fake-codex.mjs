#!/usr/bin/env node
// A stand-in for the `codex` binary: reads $CODEX_HOME/auth.json like codex does, makes one
// /codex/responses request to the simulator (FAKE_CODEX_BASE_URL) and records the rate limits as a
// token_count event in a session file, the way codex does. Prints a human line on stdout.
import fs from 'node:fs';
import path from 'node:path';

const home = process.env.CODEX_HOME;
const auth = JSON.parse(fs.readFileSync(path.join(home, 'auth.json'), 'utf8'));
fs.writeFileSync(path.join(home, 'seen-args.json'), JSON.stringify({ args: process.argv.slice(2), accountId: auth.tokens.account_id }));
const response = await fetch(`${process.env.FAKE_CODEX_BASE_URL}/codex/responses`, {
  method: 'POST',
  headers: {
    authorization: `Bearer ${auth.tokens.access_token}`,
    'chatgpt-account-id': auth.tokens.account_id,
    'content-type': 'application/json',
  },
  body: JSON.stringify({ model: 'gpt-5.4-mini', instructions: 'x', input: 'hi', stream: true, store: false }),
});
await response.body?.cancel();
const h = (name) => response.headers.get(name);
const window = (slot) => ({
  used_percent: Number(h(`x-codex-${slot}-used-percent`)),
  window_minutes: Number(h(`x-codex-${slot}-window-minutes`)),
  resets_at: Number(h(`x-codex-${slot}-reset-at`)),
});
const dir = path.join(home, 'sessions', '2026', '01', '01');
fs.mkdirSync(dir, { recursive: true });
const event = {
  timestamp: new Date().toISOString(),
  type: 'event_msg',
  payload: { type: 'token_count', info: null, rate_limits: { primary: window('primary'), secondary: window('secondary') } },
};
fs.writeFileSync(path.join(dir, 'rollout-test.jsonl'), JSON.stringify({ type: 'session_meta' }) + '\n' + JSON.stringify(event) + '\n');
console.log('hi');
