// Test doubles at the wire: an HTTP server that speaks the gateway's envelope, and an in-memory
// WebSocket with the browser's interface (Node 20 has no WebSocket client).
import { createServer } from 'node:http';

/** Starts an HTTP server on 127.0.0.1; `handle(req, body, res)` answers. Returns {url, requests, close}. */
export async function fakeGateway(handle) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString();
      let body;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const entry = { method: req.method, url: req.url, headers: req.headers, body };
      requests.push(entry);
      try {
        await handle(entry, res);
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

export function ok(res, data, status = 200, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ success: true, data, timestamp: new Date().toISOString(), requestId: 'req_test' }));
}

export function fail(res, status, code, message, details = {}, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ success: false, error: { code, message, details }, timestamp: new Date().toISOString(), requestId: 'req_fail' }));
}

/** Tokens as auth-service answers them. */
export function tokenJson(access, refresh = `refresh-of-${access}`, expiresIn = 3600) {
  return { access_token: access, token_type: 'Bearer', expires_in: expiresIn, refresh_token: refresh };
}

/** An in-memory WebSocket: each instance is recorded in FakeWebSocket.instances; the test plays the server. */
export class FakeWebSocket {
  static instances = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    FakeWebSocket.instances.push(this);
    setTimeout(() => {
      if (this.readyState === 0) {
        this.readyState = 1;
        this.onopen?.({});
      }
    }, 0);
  }

  send(data) {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000, reason = '') {
    if (this.readyState === 3) {
      return;
    }
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code, reason }), 0);
  }

  /** The server pushes an event. */
  push(event) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }

  /** The server (or the network) drops the connection. */
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }

  static reset() {
    FakeWebSocket.instances = [];
  }

  static last() {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }
}

export async function until(predicate, ms = 3000, what = 'condition') {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
