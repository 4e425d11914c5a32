import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { CompanionAuth, CompanionClient, CompanionSocket, memoryStorage } from '../dist/index.js';
import { FakeWebSocket, fakeGateway, ok, tick, tokenJson, until } from './helpers.mjs';

beforeEach(() => FakeWebSocket.reset());

async function auth(access = 'tok-1', baseUrl = 'http://127.0.0.1:9') {
  const a = new CompanionAuth({ baseUrl, storage: memoryStorage(), redirectUri: 'https://x/' });
  await a.setTokens({ accessToken: access, refreshToken: 'r1', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
  return a;
}

/** A socket whose stream-status and message reads come from `state`. */
function socketWith(a, state) {
  return new CompanionSocket({
    url: 'ws://gw/v1/ws', auth: a, WebSocket: FakeWebSocket, initialBackoffMs: 5, maxBackoffMs: 20, random: () => 0.5,
    resume: {
      streamStatus: async (chatId) => {
        state.statusCalls = (state.statusCalls ?? 0) + 1;
        return state.status(chatId);
      },
      message: async (chatId, messageId) => state.message(chatId, messageId),
    },
  });
}

async function ready(socket, session = 'session_1') {
  const connecting = socket.connect();
  await until(() => FakeWebSocket.last()?.sent.length > 0, 1000, 'auth message');
  FakeWebSocket.last().push({ type: 'connection.ready', sessionId: session });
  await connecting;
  return FakeWebSocket.last();
}

const chunk = (index, content, messageId = 'msg_a') => ({ type: 'message.chunk', chatId: 'chat_1', messageId, content, index });

function collect(socket) {
  const seen = [];
  socket.on('message.chunk', (e) => seen.push(e));
  socket.on('message.complete', (e) => seen.push(e));
  socket.on('message.error', (e) => seen.push(e));
  return seen;
}

const text = (events) => events.filter((e) => e.type === 'message.chunk').map((e) => e.content).join('');

test('the socket authenticates with the token, reports connection.ready and passes typed events', async () => {
  const socket = socketWith(await auth('tok-1'), {});
  const progress = [];
  socket.on('image.progress', (e) => progress.push(e.progress));
  const ws = await ready(socket, 'session_x');
  assert.equal(ws.url, 'ws://gw/v1/ws');
  assert.deepEqual(ws.sent[0], { type: 'auth', token: 'tok-1' });
  assert.equal(socket.state, 'ready');
  assert.equal(socket.sessionId, 'session_x');
  ws.push({ type: 'ping', timestamp: '2026-01-01T00:00:00Z' });
  ws.push({ type: 'image.progress', generationId: 'img_gen_1', progress: 45, status: 'generating' });
  assert.deepEqual(progress, [45]);
  socket.close();
});

test('chunks are delivered once and in order; a repeated chunk is dropped', async () => {
  const socket = socketWith(await auth(), {});
  const seen = collect(socket);
  const ws = await ready(socket);
  ws.push(chunk(0, 'Hello'));
  ws.push(chunk(1, ' big'));
  ws.push(chunk(1, ' big'));
  ws.push(chunk(2, ' world'));
  ws.push({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_a', fullContent: 'Hello big world' });
  ws.push(chunk(3, ' late'));
  assert.deepEqual(seen.map((e) => e.index ?? 'complete'), [0, 1, 2, 'complete']);
  assert.equal(text(seen), 'Hello big world');
  socket.close();
});

test('a gap in the indexes is filled from stream-status, then the stream continues', async () => {
  const state = { status: async () => ({ streaming: true, chatId: 'chat_1', messageId: 'msg_a', content: 'a b c d ', lastIndex: 3 }) };
  const socket = socketWith(await auth(), state);
  const seen = collect(socket);
  const ws = await ready(socket);
  ws.push(chunk(0, 'a '));
  ws.push(chunk(1, 'b '));
  ws.push(chunk(4, 'e '));   // 2 and 3 were lost
  await until(() => seen.length >= 4, 1000, 'resume');
  ws.push(chunk(3, 'd '));   // arrives late: already delivered by the resume
  ws.push(chunk(5, 'f'));
  ws.push({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_a', fullContent: 'a b c d e f' });
  assert.equal(text(seen), 'a b c d e f');
  assert.deepEqual(seen.filter((e) => e.type === 'message.chunk').map((e) => [e.index, e.resumed === true]),
    [[0, false], [1, false], [3, true], [4, false], [5, false]]);
  assert.equal(seen.at(-1).type, 'message.complete');
  socket.close();
});

test('after a dropped connection it reconnects with back-off, re-authenticates and resumes without gap or duplicate', async () => {
  const state = { status: async () => ({ streaming: true, chatId: 'chat_1', messageId: 'msg_a', content: 'one two three four ', lastIndex: 3 }) };
  const socket = socketWith(await auth('tok-1'), state);
  const seen = collect(socket);
  const states = [];
  socket.on('state', (e) => states.push(e.state));
  const first = await ready(socket);
  first.push(chunk(0, 'one '));
  first.push(chunk(1, 'two '));
  first.drop();   // the gateway died
  await until(() => FakeWebSocket.instances.length === 2, 1000, 'reconnect');
  const second = FakeWebSocket.last();
  await until(() => second.sent.length > 0, 1000, 'auth on the new socket');
  assert.deepEqual(second.sent[0], { type: 'auth', token: 'tok-1' });
  // the new gateway starts delivering before the resume answered: chunk 3 (already in stream-status) and 4
  second.push({ type: 'connection.ready', sessionId: 'session_2' });
  second.push(chunk(3, 'four '));
  await until(() => state.statusCalls >= 1, 1000, 'stream-status read');
  await tick(20);
  second.push(chunk(4, 'five'));
  second.push({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_a', fullContent: 'one two three four five' });
  assert.equal(text(seen), 'one two three four five');
  const indexes = seen.filter((e) => e.type === 'message.chunk').map((e) => e.index);
  assert.deepEqual(indexes, [0, 1, 3, 4]);
  assert.equal(seen.filter((e) => e.type === 'message.complete').length, 1);
  assert.deepEqual(states, ['connecting', 'ready', 'reconnecting', 'ready']);
  assert.equal(socket.connections, 2);
  socket.close();
});

test('an answer that finished while no socket was open is completed from the stored message', async () => {
  const state = {
    status: async () => ({ streaming: false }),
    message: async (chatId, id) => ({ id, chatId, role: 'assistant', content: 'all of it', status: 'complete', usage: { promptTokens: 1, completionTokens: 3, totalTokens: 4 } }),
  };
  const socket = socketWith(await auth(), state);
  const seen = collect(socket);
  const first = await ready(socket);
  first.push(chunk(0, 'all '));
  first.drop();
  await until(() => FakeWebSocket.instances.length === 2, 1000, 'reconnect');
  await until(() => FakeWebSocket.last().sent.length > 0);
  FakeWebSocket.last().push({ type: 'connection.ready', sessionId: 'session_2' });
  await until(() => seen.some((e) => e.type === 'message.complete'), 1000, 'completion');
  assert.equal(text(seen), 'all of it');
  const complete = seen.at(-1);
  assert.equal(complete.fullContent, 'all of it');
  assert.equal(complete.resumed, true);
  assert.equal(complete.usage.totalTokens, 4);
  socket.close();
});

test('a completion whose chunks were lost still delivers the missing text first', async () => {
  const socket = socketWith(await auth(), {});
  const seen = collect(socket);
  const ws = await ready(socket);
  socket.expect('chat_1', 'msg_b');
  ws.push({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_b', fullContent: 'short' });
  assert.deepEqual(seen.map((e) => [e.type, e.content ?? e.fullContent]), [['message.chunk', 'short'], ['message.complete', 'short']]);
  socket.close();
});

test('a refreshed token reconnects the socket with it; a rejected token is refreshed once', async () => {
  const gw = await fakeGateway((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(tokenJson('tok-2', 'r2'))));
  try {
    const a = await auth('tok-1', gw.url);
    const socket = socketWith(a, {});
    await ready(socket);
    await a.refresh();
    await until(() => FakeWebSocket.instances.length === 2 && FakeWebSocket.last().sent.length > 0, 1000, 're-auth');
    assert.equal(FakeWebSocket.instances[0].readyState, 3);
    assert.deepEqual(FakeWebSocket.last().sent[0], { type: 'auth', token: 'tok-2' });
    FakeWebSocket.last().push({ type: 'connection.ready', sessionId: 'session_2' });
    await until(() => socket.state === 'ready');
    // the gateway says the token is bad and closes: one refresh, then a new socket with the new token
    FakeWebSocket.last().push({ type: 'error', error: { code: 'UNAUTHORIZED', message: 'Token expired' } });
    FakeWebSocket.last().drop(1008);
    await until(() => FakeWebSocket.instances.length === 3 && FakeWebSocket.last().sent.length > 0, 2000, 'reconnect after refresh');
    assert.equal(gw.requests.filter((r) => r.url === '/v1/auth/refresh').length, 2);
    socket.close();
  } finally {
    await gw.close();
  }
});

test('logout closes the socket for good', async () => {
  const a = await auth();
  const socket = socketWith(a, {});
  await ready(socket);
  await a.logout().catch(() => undefined);
  assert.equal(socket.state, 'closed');
  await tick(50);
  assert.equal(FakeWebSocket.instances.length, 1);
});

test('sendPrompt over the socket yields the chunks in order and ends with the complete message', async () => {
  let ws;
  const gw = await fakeGateway((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/chats/chat_1/messages') {
      // the answer starts streaming before the send's answer arrives
      ws.push(chunk(0, 'Offline ', 'msg_ans'));
      ws.push(chunk(1, 'echo', 'msg_ans'));
      ok(res, { id: 'msg_prompt', role: 'user', content: req.body.content, status: 'sending', answerId: 'msg_ans' }, 201);
      setTimeout(() => {
        ws.push(chunk(0, 'other chat', 'msg_x'));
        ws.push(chunk(2, ': hi', 'msg_ans'));
        ws.push({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_ans', fullContent: 'Offline echo: hi' });
      }, 20);
      return;
    }
    return ok(res, {});
  });
  try {
    const client = new CompanionClient({ baseUrl: gw.url, WebSocket: FakeWebSocket, auth: { storage: memoryStorage(), redirectUri: 'https://x/' } });
    await client.auth.setTokens({ accessToken: 't', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
    const connecting = client.socket.connect();
    await until(() => FakeWebSocket.last()?.sent.length > 0);
    ws = FakeWebSocket.last();
    assert.equal(ws.url, gw.url.replace('http', 'ws') + '/v1/ws');
    ws.push({ type: 'connection.ready', sessionId: 's' });
    await connecting;
    const events = [];
    let answerId;
    for await (const e of client.sendPrompt('chat_1', 'hi', { onAnswerId: (id) => (answerId = id) })) {
      events.push(e);
    }
    assert.equal(answerId, 'msg_ans');
    assert.deepEqual(events.map((e) => e.type), ['message.chunk', 'message.chunk', 'message.chunk', 'message.complete']);
    assert.equal(text(events), events.at(-1).fullContent);
    client.socket.close();
  } finally {
    await gw.close();
  }
});

test('sendPrompt without a socket streams over SSE; a message.error is thrown', async () => {
  const gw = await fakeGateway((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const send = (o) => res.write(`data: ${typeof o === 'string' ? o : JSON.stringify(o)}\n\n`);
    send({ type: 'message.created', chatId: 'chat_1', messageId: 'msg_s' });
    if (req.body.content === 'fail') {
      send({ type: 'message.error', chatId: 'chat_1', messageId: 'msg_s', error: { code: 'rate_limit', message: 'every key cooling' } });
    } else {
      send({ type: 'message.chunk', chatId: 'chat_1', messageId: 'msg_s', content: 'A', index: 0 });
      send({ type: 'message.chunk', chatId: 'chat_1', messageId: 'msg_s', content: 'B', index: 1 });
      send({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_s', fullContent: 'AB' });
    }
    send('[DONE]');
    res.end();
  });
  try {
    const client = new CompanionClient({ baseUrl: gw.url, auth: { storage: memoryStorage(), redirectUri: 'https://x/' } });
    await client.auth.setTokens({ accessToken: 't', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
    const events = [];
    for await (const e of client.sendPrompt('chat_1', 'go')) {
      events.push(e);
    }
    assert.equal(gw.requests[0].headers.accept, 'text/event-stream');
    assert.deepEqual(events.map((e) => e.content ?? e.fullContent), ['A', 'B', 'AB']);
    await assert.rejects(async () => {
      for await (const e of client.sendPrompt('chat_1', 'fail')) {
        events.push(e);
      }
    }, (e) => e.code === 'rate_limit' && e.message === 'every key cooling');
  } finally {
    await gw.close();
  }
});

test('an expected answer that goes silent (a fresh gateway not yet receiving) is finished from stream-status and the stored message', async () => {
  let done = false;
  const state = {
    status: async () => (done ? { streaming: false } : { streaming: true, chatId: 'chat_1', messageId: 'msg_a', content: 'x y ', lastIndex: 1 }),
    message: async (chatId, id) => ({ id, chatId, role: 'assistant', content: 'x y z', status: 'complete' }),
  };
  const a = await auth();
  const socket = new CompanionSocket({
    url: 'ws://gw/v1/ws', auth: a, WebSocket: FakeWebSocket, stallMs: 30,
    resume: { streamStatus: async (c) => state.status(c), message: async (c, m) => state.message(c, m) },
  });
  const seen = collect(socket);
  const ws = await ready(socket);
  ws.push(chunk(0, 'x '));
  await until(() => text(seen) === 'x y ', 1000, 'stream-status after the stall');
  done = true;
  await until(() => seen.some((e) => e.type === 'message.complete'), 1000, 'completion from the stored message');
  assert.equal(text(seen), 'x y z');
  socket.close();
});

test('a token refused while auth-service is unreachable is retried later; a refused refresh ends the socket', async () => {
  const a = new CompanionAuth({ baseUrl: 'http://127.0.0.1:9', storage: memoryStorage(), redirectUri: 'https://x/' });
  await a.setTokens({ accessToken: 'tok-1', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
  const socket = socketWith(a, {});
  await ready(socket);
  FakeWebSocket.last().push({ type: 'error', error: { code: 'UNAUTHORIZED', message: 'Token expired' } });
  FakeWebSocket.last().drop(1008);
  await until(() => FakeWebSocket.instances.length === 2, 2000, 'a reconnect despite the failed refresh');
  assert.notEqual(socket.state, 'closed');
  socket.close();

  const gw = await fakeGateway((req, res) => res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_grant"}'));
  try {
    const b = await auth('tok-1', gw.url);
    const errors = [];
    const s2 = socketWith(b, {});
    s2.on('error', (e) => errors.push(e.error.code));
    await ready(s2);
    FakeWebSocket.last().push({ type: 'error', error: { code: 'UNAUTHORIZED', message: 'Token expired' } });
    FakeWebSocket.last().drop(1008);
    await until(() => s2.state === 'closed', 2000, 'the socket to give up');
    assert.deepEqual(errors, ['UNAUTHORIZED', 'UNAUTHORIZED']);
    assert.equal(await b.isLoggedIn(), false);
  } finally {
    await gw.close();
  }
});

test('regenerate streams the new sibling answer over the socket', async () => {
  let ws;
  const gw = await fakeGateway((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/chats/chat_1/messages/msg_old/regenerate') {
      ok(res, { id: 'msg_new', chatId: 'chat_1', role: 'assistant', content: '', status: 'streaming', parentId: 'msg_prompt' }, 201);
      setTimeout(() => {
        ws.push(chunk(0, 'Again', 'msg_new'));
        ws.push({ type: 'message.complete', chatId: 'chat_1', messageId: 'msg_new', fullContent: 'Again' });
      }, 10);
      return;
    }
    return ok(res, {});
  });
  try {
    const client = new CompanionClient({ baseUrl: gw.url, WebSocket: FakeWebSocket, auth: { storage: memoryStorage(), redirectUri: 'https://x/' } });
    await client.auth.setTokens({ accessToken: 't', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
    const events = [];
    const run = (async () => {
      for await (const e of client.regenerate('chat_1', 'msg_old')) {
        events.push(e);
      }
    })();
    await until(() => FakeWebSocket.last()?.sent.length > 0);
    ws = FakeWebSocket.last();
    ws.push({ type: 'connection.ready', sessionId: 's' });
    await run;
    assert.deepEqual(events.map((e) => `${e.type}:${e.messageId}`), ['message.chunk:msg_new', 'message.complete:msg_new']);
    client.socket.close();
  } finally {
    await gw.close();
  }
});
