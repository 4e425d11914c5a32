import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompanionClient, CompanionError, memoryStorage, parseRetryAfter } from '../dist/index.js';
import { fakeGateway, fail, ok, tokenJson } from './helpers.mjs';

async function loggedIn(url, tokens = { accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' }, extra = {}) {
  const client = new CompanionClient({ baseUrl: url, auth: { storage: memoryStorage(), redirectUri: 'https://x.chromiumapp.org/' }, ...extra });
  await client.auth.setTokens(tokens);
  return client;
}

test('a route returns the envelope data and sends the bearer token, JSON body and query', async () => {
  const gw = await fakeGateway((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/projects') {
      return ok(res, { id: 'proj_1', name: req.body.name, tags: req.body.tags }, 201);
    }
    if (req.method === 'GET' && req.url.startsWith('/v1/projects?')) {
      return ok(res, { projects: [], pagination: { page: 2, limit: 5, total: 0, pages: 0 } });
    }
    return fail(res, 404, 'NOT_FOUND', 'no route');
  });
  try {
    const client = await loggedIn(gw.url);
    const project = await client.projects.create({ name: 'Web', tags: ['react'] });
    assert.deepEqual(project, { id: 'proj_1', name: 'Web', tags: ['react'] });
    const list = await client.projects.list({ page: 2, limit: 5, tags: ['a', 'b'], search: undefined });
    assert.equal(list.pagination.page, 2);
    assert.equal(gw.requests[0].headers.authorization, 'Bearer a1');
    assert.equal(gw.requests[0].headers['content-type'], 'application/json');
    assert.equal(gw.requests[1].url, '/v1/projects?page=2&limit=5&tags=a&tags=b');
  } finally {
    await gw.close();
  }
});

test('an error envelope is thrown as one CompanionError with code, message, details, status and requestId', async () => {
  const gw = await fakeGateway((req, res) =>
    fail(res, 400, 'VALIDATION_ERROR', 'Invalid project name', { field: 'name', constraint: 'minLength', value: 3 }));
  try {
    const client = await loggedIn(gw.url);
    await assert.rejects(client.projects.create({ name: 'x' }), (e) => {
      assert.ok(e instanceof CompanionError);
      assert.equal(e.code, 'VALIDATION_ERROR');
      assert.equal(e.message, 'Invalid project name');
      assert.deepEqual(e.details, { field: 'name', constraint: 'minLength', value: 3 });
      assert.equal(e.status, 400);
      assert.equal(e.requestId, 'req_fail');
      return true;
    });
  } finally {
    await gw.close();
  }
});

test('an answer without the envelope still becomes a CompanionError named by its status', async () => {
  const gw = await fakeGateway((req, res) => res.writeHead(502, { 'X-Request-Id': 'req_proxy' }).end('Bad gateway'));
  try {
    const client = await loggedIn(gw.url);
    await assert.rejects(client.chats.get('chat_1'), (e) => e.code === 'SERVICE_UNAVAILABLE' && e.status === 502 && e.requestId === 'req_proxy');
  } finally {
    await gw.close();
  }
});

test('no server at all is a NETWORK_ERROR', async () => {
  const client = await loggedIn('http://127.0.0.1:9');
  await assert.rejects(client.profile.get(), (e) => e instanceof CompanionError && e.code === 'NETWORK_ERROR' && e.status === 0);
});

test('429 with Retry-After is waited out and retried; the X-RateLimit-* values are exposed', async () => {
  let calls = 0;
  const gw = await fakeGateway((req, res) => {
    calls++;
    const rl = { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': calls === 1 ? '0' : '9', 'X-RateLimit-Reset': '1900000000', 'X-RateLimit-Reset-After': '42' };
    if (calls === 1) {
      return fail(res, 429, 'RATE_LIMIT', 'Rate limit exceeded', {}, { ...rl, 'Retry-After': '3' });
    }
    return ok(res, { id: 'img_gen_1', status: 'processing' }, 201, rl);
  });
  try {
    const slept = [];
    const client = await loggedIn(gw.url);
    client.http['sleep'] = async (ms) => slept.push(ms);   // no real wait in the test
    const seen = [];
    client.onRateLimit((info) => seen.push(info.remaining));
    const g = await client.images.generate({ prompt: 'a logo' });
    assert.equal(g.id, 'img_gen_1');
    assert.deepEqual(slept, [3000]);
    assert.deepEqual(seen, [0, 9]);
    assert.deepEqual(client.rateLimit, { limit: 10, remaining: 9, reset: 1900000000, resetAfter: 42 });
  } finally {
    await gw.close();
  }
});

test('a Retry-After beyond the limit is thrown at once with retryAfter', async () => {
  const gw = await fakeGateway((req, res) => fail(res, 429, 'RATE_LIMIT', 'Rate limit exceeded', {}, { 'Retry-After': '3600' }));
  try {
    const client = await loggedIn(gw.url);
    await assert.rejects(client.images.generate({ prompt: 'x' }), (e) => e.code === 'RATE_LIMIT' && e.retryAfter === 3600 && e.status === 429);
    assert.equal(gw.requests.length, 1);
  } finally {
    await gw.close();
  }
});

test('Retry-After as an HTTP date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10);
  assert.equal(parseRetryAfter('7', now), 7);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('five requests that see 401 together share one refresh and are retried with the new token', async () => {
  let refreshes = 0;
  const gw = await fakeGateway(async (req, res) => {
    if (req.url === '/v1/auth/refresh') {
      refreshes++;
      assert.equal(req.body.refresh_token, 'r1');
      await new Promise((r) => setTimeout(r, 50));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(tokenJson('a2', 'r2')));
      return;
    }
    if (req.headers.authorization !== 'Bearer a2') {
      return fail(res, 401, 'UNAUTHORIZED', 'Invalid or expired token');
    }
    return ok(res, { id: req.url.split('/').pop() });
  });
  try {
    const client = await loggedIn(gw.url);
    const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => client.projects.get(`proj_${i}`)));
    assert.deepEqual(ids.map((p) => p.id), ['proj_1', 'proj_2', 'proj_3', 'proj_4', 'proj_5']);
    assert.equal(refreshes, 1);
    assert.equal((await client.auth.tokens()).refreshToken, 'r2');
  } finally {
    await gw.close();
  }
});

test('a token about to expire is refreshed before the request goes out', async () => {
  const gw = await fakeGateway((req, res) => {
    if (req.url === '/v1/auth/refresh') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(tokenJson('fresh', 'r2')));
      return;
    }
    return ok(res, { id: 'user_1', authorization: req.headers.authorization });
  });
  try {
    const client = await loggedIn(gw.url, { accessToken: 'old', refreshToken: 'r1', expiresAt: Date.now() + 10_000, tokenType: 'Bearer' });
    const profile = await client.profile.get();
    assert.equal(profile.authorization, 'Bearer fresh');
    assert.deepEqual(gw.requests.map((r) => r.url), ['/v1/auth/refresh', '/v1/user/profile']);
  } finally {
    await gw.close();
  }
});

test('a dead refresh token logs the user out and throws UNAUTHORIZED', async () => {
  const gw = await fakeGateway((req, res) => {
    if (req.url === '/v1/auth/refresh') {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant', error_description: 'refresh token reused' }));
      return;
    }
    return fail(res, 401, 'UNAUTHORIZED', 'expired');
  });
  try {
    const client = await loggedIn(gw.url);
    const events = [];
    client.auth.onTokens((t) => events.push(t));
    await assert.rejects(client.profile.get(), (e) => e.code === 'UNAUTHORIZED' && e.details.error === 'invalid_grant');
    assert.equal(await client.auth.isLoggedIn(), false);
    assert.deepEqual(events, [undefined]);
  } finally {
    await gw.close();
  }
});

test('every route of the seed goes to its path and method', async () => {
  const gw = await fakeGateway((req, res) => ok(res, { ok: true, answerId: 'msg_a' }));
  try {
    const c = await loggedIn(gw.url);
    const calls = [
      [() => c.profile.get(), 'GET /v1/user/profile'],
      [() => c.projects.update('p', { name: 'n' }), 'PUT /v1/projects/p'],
      [() => c.projects.delete('p'), 'DELETE /v1/projects/p'],
      [() => c.instructions.create({ name: 'i', scope: 'global', instructions: { role: 'r' } }), 'POST /v1/instructions'],
      [() => c.instructions.list({ scope: 'project', projectId: 'p' }), 'GET /v1/instructions?scope=project&projectId=p'],
      [() => c.instructions.effective({ chatId: 'c' }), 'GET /v1/instructions/effective?chatId=c'],
      [() => c.instructions.update('i', { name: 'j' }), 'PUT /v1/instructions/i'],
      [() => c.instructions.delete('i'), 'DELETE /v1/instructions/i'],
      [() => c.chats.create('p', { name: 'c' }), 'POST /v1/projects/p/chats'],
      [() => c.chats.list('p'), 'GET /v1/projects/p/chats'],
      [() => c.chats.update('c', { name: 'd' }), 'PUT /v1/chats/c'],
      [() => c.chats.delete('c'), 'DELETE /v1/chats/c'],
      [() => c.chats.streamStatus('c'), 'GET /v1/chats/c/stream-status'],
      [() => c.messages.list('c', { page: 1, limit: 50 }), 'GET /v1/chats/c/messages?page=1&limit=50'],
      [() => c.messages.send('c', { content: 'hi' }), 'POST /v1/chats/c/messages'],
      [() => c.messages.cancel('c', 'm'), 'POST /v1/chats/c/messages/m/cancel'],
      [() => c.messages.regenerate('c', 'm'), 'POST /v1/chats/c/messages/m/regenerate'],
      [() => c.messages.batch('c', { prompts: [{ content: 'a' }], mode: 'parallel' }), 'POST /v1/chats/c/messages/batch'],
      [() => c.messages.batchStatus('c', 'b'), 'GET /v1/chats/c/messages/batch/b'],
      [() => c.images.status('g'), 'GET /v1/images/generate/g'],
      [() => c.images.list({ chatId: 'c' }), 'GET /v1/images?chatId=c'],
      [() => c.images.analyze({ imageId: 'img_1', question: 'what?' }), 'POST /v1/images/analyze'],
      [() => c.downloads.single('img_1', { format: 'jpg', quality: 80 }), 'POST /v1/images/img_1/download'],
      [() => c.downloads.bulk({ imageIds: ['a', 'b'], createZip: true }), 'POST /v1/images/download/bulk'],
      [() => c.downloads.status('dl_1'), 'GET /v1/downloads/dl_1'],
      [() => c.downloads.history({ page: 1 }), 'GET /v1/downloads/history?page=1'],
    ];
    for (const [call] of calls) {
      await call();
    }
    assert.deepEqual(gw.requests.map((r) => `${r.method} ${r.url}`), calls.map(([, expected]) => expected));
    const analyze = gw.requests.find((r) => r.url === '/v1/images/analyze');
    assert.match(analyze.headers['content-type'], /^multipart\/form-data; boundary=/);
    assert.match(analyze.body, /name="imageId"\r\n\r\nimg_1/);
  } finally {
    await gw.close();
  }
});

test('ids are escaped in paths', async () => {
  const gw = await fakeGateway((req, res) => ok(res, {}));
  try {
    const c = await loggedIn(gw.url);
    await c.chats.get('../projects');
    assert.equal(gw.requests[0].url, '/v1/chats/..%2Fprojects');
  } finally {
    await gw.close();
  }
});
