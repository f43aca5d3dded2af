import { describe, expect, it } from 'vitest';
import { MODEL_UNSUPPORTED_MS } from '../../src/codex/failover-policy.js';
import { confirmCatalog, recordCatalog } from '../../src/models/catalog-mutations.js';
import { HOUR, NOW, routingAccount, storeOf } from '../support/routing-accounts.js';

const model = (slug: string) => ({ slug, visibility: 'list' });

describe('catalog mutations', () => {
  it('keeps the newer of two catalog reads, whatever order they arrive in', () => {
    const data = storeOf([routingAccount('a')]);
    const id = data.accounts[0]!.id;
    recordCatalog(data, id, { models: [model('new')], etag: '"2"', checkedAt: NOW });
    recordCatalog(data, id, { models: [model('old')], etag: '"1"', checkedAt: NOW - HOUR });
    expect(data.accounts[0]!.catalog).toEqual({ models: [model('new')], etag: '"2"', checkedAt: NOW });
  });

  it('a 304 confirms only the catalog whose ETag was sent', () => {
    const data = storeOf([routingAccount('a', (a) => (a.catalog = { models: [model('x')], etag: '"1"', checkedAt: NOW - HOUR }))]);
    const id = data.accounts[0]!.id;
    confirmCatalog(data, id, '"0"', NOW);
    expect(data.accounts[0]!.catalog!.checkedAt).toBe(NOW - HOUR);
    confirmCatalog(data, id, '"1"', NOW);
    expect(data.accounts[0]!.catalog!.checkedAt).toBe(NOW);
  });

  it('a catalog that now offers a model lifts an older "not supported" mark for it, and only for it', () => {
    // Marked an hour before the catalog read (a mark lasts MODEL_UNSUPPORTED_MS from the refusal).
    const markedBefore = NOW - HOUR + MODEL_UNSUPPORTED_MS;
    const data = storeOf([routingAccount('a', (a) => (a.health.unsupportedModels = { 'gpt-7-preview': markedBefore, 'gpt-x': markedBefore }))]);
    recordCatalog(data, data.accounts[0]!.id, { models: [model('gpt-7-preview')], checkedAt: NOW });
    expect(data.accounts[0]!.health.unsupportedModels).toEqual({ 'gpt-x': markedBefore });
  });

  it('keeps a "not supported" mark newer than the catalog read', () => {
    const markedAfter = NOW + 1 + MODEL_UNSUPPORTED_MS;
    const data = storeOf([routingAccount('a', (a) => (a.health.unsupportedModels = { 'gpt-7-preview': markedAfter }))]);
    recordCatalog(data, data.accounts[0]!.id, { models: [model('gpt-7-preview')], checkedAt: NOW });
    expect(data.accounts[0]!.health.unsupportedModels).toEqual({ 'gpt-7-preview': markedAfter });
  });
});
