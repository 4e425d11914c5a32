import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompanionClient, CompanionError, memoryStorage } from '../dist/index.js';
import { fakeGateway, fail, ok } from './helpers.mjs';

async function loggedIn(url) {
  const client = new CompanionClient({ baseUrl: url, auth: { storage: memoryStorage(), redirectUri: 'https://x.chromiumapp.org/' } });
  await client.auth.setTokens({ accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
  return client;
}

const memory = (over = {}) => ({ id: 'mem_1', content: 'likes tea', enabled: true, tokens: 3, createdAt: 't', updatedAt: 't', ...over });

test('memories: CRUD, forget all, the global switch', async () => {
  let enabled = true;
  const gw = await fakeGateway((req, res) => {
    const key = `${req.method} ${req.url}`;
    switch (key) {
      case 'GET /v1/memories':
        return ok(res, { memories: [memory()], enabled, tokenBudget: 2000, tokensUsed: 3 });
      case 'POST /v1/memories':
        return req.body.content?.trim()
          ? ok(res, memory({ content: req.body.content, enabled: req.body.enabled ?? true }), 201)
          : fail(res, 400, 'VALIDATION_ERROR', 'content must not be blank', { field: 'content', constraint: 'NotBlank', value: req.body.content });
      case 'GET /v1/memories/mem_1':
        return ok(res, memory());
      case 'PATCH /v1/memories/mem_1':
        return ok(res, memory(req.body));
      case 'DELETE /v1/memories/mem_1':
        return ok(res, { id: 'mem_1' });
      case 'DELETE /v1/memories':
        return ok(res, { deleted: 4 });
      case 'GET /v1/memories/settings':
        return ok(res, { enabled });
      case 'PUT /v1/memories/settings':
        enabled = req.body.enabled;
        return ok(res, { enabled });
      default:
        return fail(res, 404, 'NOT_FOUND', key);
    }
  });
  try {
    const client = await loggedIn(gw.url);
    const list = await client.memories.list();
    assert.equal(list.memories[0].id, 'mem_1');
    assert.equal(list.tokenBudget, 2000);
    const created = await client.memories.create({ content: 'likes coffee', enabled: false });
    assert.equal(created.content, 'likes coffee');
    assert.equal(created.enabled, false);
    await assert.rejects(client.memories.create({ content: ' ' }),
      (e) => e instanceof CompanionError && e.code === 'VALIDATION_ERROR' && e.details.field === 'content');
    assert.equal((await client.memories.get('mem_1')).content, 'likes tea');
    assert.equal((await client.memories.update('mem_1', { enabled: false })).enabled, false);
    assert.deepEqual(gw.requests.find((r) => r.method === 'PATCH').body, { enabled: false });
    assert.deepEqual(await client.memories.delete('mem_1'), { id: 'mem_1' });
    assert.deepEqual(await client.memories.deleteAll(), { deleted: 4 });
    assert.deepEqual(await client.memories.setEnabled(false), { enabled: false });
    assert.equal((await client.memories.settings()).enabled, false);
    assert.equal((await client.memories.list()).enabled, false);
    await assert.rejects(client.memories.get('mem_other'), (e) => e instanceof CompanionError && e.code === 'NOT_FOUND' && e.status === 404);
    assert.ok(gw.requests.every((r) => r.headers.authorization === 'Bearer a1'));
  } finally {
    await gw.close();
  }
});

test('templates: CRUD and metadata.template on send', async () => {
  const tpl = (over = {}) => ({ id: 'tpl_1', name: 'review', body: 'Review {{lang}} code: {{code}}',
    variables: [{ name: 'lang', default: 'Java' }], slots: ['lang', 'code'], createdAt: 't', updatedAt: 't', ...over });
  const gw = await fakeGateway((req, res) => {
    const key = `${req.method} ${req.url}`;
    switch (key) {
      case 'GET /v1/templates?page=2&limit=5':
        return ok(res, { templates: [tpl()], pagination: { page: 2, limit: 5, total: 6, pages: 2 } });
      case 'POST /v1/templates':
        return ok(res, tpl({ name: req.body.name, body: req.body.body, variables: req.body.variables }), 201);
      case 'GET /v1/templates/tpl_1':
        return ok(res, tpl());
      case 'PUT /v1/templates/tpl_1':
        return ok(res, tpl(req.body));
      case 'DELETE /v1/templates/tpl_1':
        return ok(res, { id: 'tpl_1' });
      case 'POST /v1/chats/chat_1/messages':
        return req.body.metadata?.template === 'nope'
          ? fail(res, 404, 'NOT_FOUND', 'Template not found')
          : ok(res, { id: 'msg_u', role: 'user', content: 'Review Java code: x = 1', answerId: 'msg_a' }, 201);
      default:
        return fail(res, 404, 'NOT_FOUND', key);
    }
  });
  try {
    const client = await loggedIn(gw.url);
    const page = await client.templates.list({ page: 2, limit: 5 });
    assert.equal(page.templates[0].slots.length, 2);
    assert.equal(page.pagination.total, 6);
    const created = await client.templates.create({ name: 'review', body: 'Review {{lang}} code: {{code}}', variables: [{ name: 'lang', default: 'Java' }] });
    assert.equal(created.variables[0].default, 'Java');
    assert.deepEqual(gw.requests.find((r) => r.method === 'POST' && r.url === '/v1/templates').body.variables, [{ name: 'lang', default: 'Java' }]);
    assert.equal((await client.templates.get('tpl_1')).name, 'review');
    assert.equal((await client.templates.update('tpl_1', { description: 'd' })).description, 'd');
    assert.deepEqual(await client.templates.delete('tpl_1'), { id: 'tpl_1' });
    const sent = await client.messages.send('chat_1', { content: '', metadata: { template: 'tpl_1', variables: { code: 'x = 1' } } });
    assert.equal(sent.content, 'Review Java code: x = 1');
    assert.deepEqual(gw.requests.find((r) => r.url === '/v1/chats/chat_1/messages').body.metadata,
      { template: 'tpl_1', variables: { code: 'x = 1' } });
    await assert.rejects(client.messages.send('chat_1', { content: 'q', metadata: { template: 'nope' } }),
      (e) => e instanceof CompanionError && e.code === 'NOT_FOUND');
  } finally {
    await gw.close();
  }
});
