import { afterEach, describe, expect, it } from 'vitest';
import { openCodeRequestBody, requestPathFixture, type RequestPathFixture } from '../support/request-path-fixture.js';

let fixture: RequestPathFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('settings that were not accepted, inside OpenCode', () => {
  it('are the answer to the first request the user sees (not the title request), once', async () => {
    fixture = await requestPathFixture({
      accounts: [{ accountId: 'solo' }],
      env: { OPENCODE_MULTI_AUTH_STRATEGI: 'round-robin', OPENCODE_MULTI_AUTH_MODELS: '+gpt-x,gpt y' },
    });
    const title = await fixture.send({ body: openCodeRequestBody({ instructions: 'You are a title generator. You output ONLY a thread title.' }) });
    expect(title.status).toBe(200);

    const first = await fixture.send();
    expect(first.status).toBe(400);
    const message = (JSON.parse(first.text) as { error: { message: string; code: string } }).error;
    expect(message.code).toBe('invalid_settings');
    expect(message.message).toContain('Did you mean OPENCODE_MULTI_AUTH_STRATEGY?');
    expect(message.message).toContain('the item "gpt y" is not a model id');
    expect(message.message).toContain('opencode-multi-auth doctor');

    expect((await fixture.send()).status).toBe(200);
  });

  it('stay out of the way when every setting is valid', async () => {
    fixture = await requestPathFixture({ accounts: [{ accountId: 'solo' }] });
    expect((await fixture.send()).status).toBe(200);
  });
});
