import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { CompanionClient, memoryStorage } from '../dist/index.js';
import { FakeWebSocket, fail, fakeGateway, ok, until } from './helpers.mjs';

beforeEach(() => FakeWebSocket.reset());

async function client(url) {
  const c = new CompanionClient({ baseUrl: url, WebSocket: FakeWebSocket, auth: { storage: memoryStorage(), redirectUri: 'https://x/' } });
  await c.auth.setTokens({ accessToken: 't', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
  return c;
}

test('images.waitFor reports image.progress from the socket and resolves with image.complete', async () => {
  const gw = await fakeGateway((req, res) => ok(res, { id: 'img_gen_1', status: 'processing', queuePosition: 0 }));
  try {
    const c = await client(gw.url);
    const connecting = c.socket.connect();
    await until(() => FakeWebSocket.last()?.sent.length > 0);
    const ws = FakeWebSocket.last();
    ws.push({ type: 'connection.ready', sessionId: 's' });
    await connecting;
    const seen = [];
    const done = c.images.waitFor('img_gen_1', { onProgress: (p) => seen.push(p), pollMs: 60_000 });
    await until(() => gw.requests.length === 1, 1000, 'the first status read');
    ws.push({ type: 'image.progress', generationId: 'img_gen_other', progress: 50, status: 'generating' });
    ws.push({ type: 'image.progress', generationId: 'img_gen_1', progress: 5, status: 'generating' });
    ws.push({ type: 'image.progress', generationId: 'img_gen_1', progress: 45, status: 'generating' });
    ws.push({ type: 'image.progress', generationId: 'img_gen_1', progress: 30, status: 'generating' });   // late, out of order
    ws.push({ type: 'image.complete', generationId: 'img_gen_1', images: [{ id: 'img_1', url: 'http://s3/img_1.png' }] });
    const images = await done;
    assert.deepEqual(images.map((i) => i.id), ['img_1']);
    assert.deepEqual(seen, [5, 45, 100]);
    c.socket.close();
  } finally {
    await gw.close();
  }
});

test('images.waitFor without a socket polls the status; a failed generation is thrown', async () => {
  let reads = 0;
  const gw = await fakeGateway((req, res) => {
    reads++;
    if (req.url.endsWith('/img_gen_bad')) {
      return ok(res, { id: 'img_gen_bad', status: 'failed', error: { code: 'PROVIDER_ERROR', message: 'the renderer failed' } });
    }
    return ok(res, reads < 3 ? { id: 'img_gen_2', status: 'processing', progress: reads * 20 } : { id: 'img_gen_2', status: 'completed', images: [{ id: 'img_2' }] });
  });
  try {
    const c = await client(gw.url);
    const seen = [];
    const images = await c.images.waitFor('img_gen_2', { pollMs: 10, onProgress: (p) => seen.push(p) });
    assert.deepEqual(images.map((i) => i.id), ['img_2']);
    assert.deepEqual(seen, [20, 40, 100]);
    await assert.rejects(c.images.waitFor('img_gen_bad', { pollMs: 10 }), (e) => e.code === 'PROVIDER_ERROR' && e.message === 'the renderer failed');
  } finally {
    await gw.close();
  }
});

test('downloads.waitFor resolves on download.ready with the ready bundle, and a missing bundle is NOT_FOUND', async () => {
  let ready = false;
  const gw = await fakeGateway((req, res) => {
    if (req.url.endsWith('/dl_missing')) {
      return fail(res, 404, 'NOT_FOUND', 'Download not found');
    }
    return ok(res, ready ? { id: 'dl_1', status: 'ready', downloadUrl: 'http://s3/b.zip', fileCount: 30 } : { id: 'dl_1', status: 'processing' });
  });
  try {
    const c = await client(gw.url);
    const connecting = c.socket.connect();
    await until(() => FakeWebSocket.last()?.sent.length > 0);
    const ws = FakeWebSocket.last();
    ws.push({ type: 'connection.ready', sessionId: 's' });
    await connecting;
    const done = c.downloads.waitFor('dl_1', { pollMs: 60_000 });
    await until(() => gw.requests.length === 1, 1000, 'the first status read');
    ready = true;
    ws.push({ type: 'download.ready', downloadId: 'dl_1', downloadType: 'bulk', downloadUrl: 'http://s3/b.zip' });
    const d = await done;
    assert.equal(d.downloadUrl, 'http://s3/b.zip');
    assert.equal(d.fileCount, 30);
    await assert.rejects(c.downloads.waitFor('dl_missing'), (e) => e.code === 'NOT_FOUND' && e.status === 404);
    c.socket.close();
  } finally {
    await gw.close();
  }
});
