import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompanionClient, CompanionError, memoryStorage } from '../dist/index.js';
import { fakeGateway, fail, ok } from './helpers.mjs';

async function loggedIn(url) {
  const client = new CompanionClient({ baseUrl: url, auth: { storage: memoryStorage(), redirectUri: 'https://x.chromiumapp.org/' } });
  await client.auth.setTokens({ accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
  return client;
}

test('issue #18 routes: conversations, patch, shares, wait, suggestions', async () => {
  const gw = await fakeGateway((req, res) => {
    const key = `${req.method} ${req.url}`;
    switch (key) {
      case 'GET /v1/chats?offset=20&limit=10&isArchived=false&search=tomato':
        return ok(res, { chats: [{ id: 'chat_1', isStarred: true, lastActivityAt: '2026-01-01T00:00:00Z' }], pagination: { page: 3, limit: 10, total: 21, pages: 3 }, offset: 20 });
      case 'PATCH /v1/chats/chat_1':
        return ok(res, { id: 'chat_1', isArchived: req.body.archived });
      case 'POST /v1/chats/chat_1/share':
        return ok(res, { shareId: 'shr_x', url: '/v1/share/shr_x', title: req.body.title ?? 'Chat' }, 201);
      case 'GET /v1/share/shr_x':
        return ok(res, { shareId: 'shr_x', messages: [{ role: 'user', content: 'hi' }] });
      case 'GET /v1/shares?page=1':
        return ok(res, { shares: [{ shareId: 'shr_x' }], pagination: { page: 1, limit: 20, total: 1, pages: 1 } });
      case 'DELETE /v1/chats/chat_1/share/shr_x':
        return ok(res, { shareId: 'shr_x' });
      case 'POST /v1/chats/chat_1/messages?wait=true':
        return ok(res, { id: 'msg_a', role: 'assistant', status: 'complete', content: 'done', parentId: req.body.messageId }, 201);
      case 'POST /v1/chats/chat_1/suggestions':
        return req.body.numSuggestions > 5
          ? fail(res, 400, 'VALIDATION_ERROR', 'too many', { field: 'numSuggestions', constraint: 'max', value: 5 })
          : ok(res, { chatId: 'chat_1', model: 'offline-echo', suggestions: Array(req.body.numSuggestions).fill('next?') });
      default:
        return fail(res, 404, 'NOT_FOUND', key);
    }
  });
  try {
    const client = await loggedIn(gw.url);
    const list = await client.chats.conversations({ offset: 20, limit: 10, isArchived: false, search: 'tomato' });
    assert.equal(list.offset, 20);
    assert.equal(list.chats[0].isStarred, true);
    assert.equal((await client.chats.patch('chat_1', { archived: true })).isArchived, true);
    const share = await client.shares.create('chat_1', { title: 'T' });
    assert.equal(share.url, '/v1/share/shr_x');
    assert.equal((await client.shares.read('shr_x')).messages[0].content, 'hi');
    assert.equal((await client.shares.list({ page: 1 })).shares.length, 1);
    assert.deepEqual(await client.shares.revoke('chat_1', 'shr_x'), { shareId: 'shr_x' });
    const answer = await client.messages.sendAndWait('chat_1', { content: 'q', messageId: 'client-id-1', timeoutMs: 5000 });
    assert.equal(answer.status, 'complete');
    assert.equal(gw.requests.find((r) => r.url.endsWith('wait=true')).body.timeoutMs, 5000);
    assert.equal((await client.chats.suggestions('chat_1')).suggestions.length, 3);
    await assert.rejects(client.chats.suggestions('chat_1', 6), (e) => e instanceof CompanionError && e.code === 'VALIDATION_ERROR'
      && e.details.field === 'numSuggestions');
  } finally {
    await gw.close();
  }
});
