import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { CompanionAuth, CompanionError, chromeStorage, codeChallenge, memoryStorage } from '../dist/index.js';
import { fakeGateway, tokenJson } from './helpers.mjs';

test('the S256 challenge is base64url(sha256(verifier)) without padding', async () => {
  const verifier = 'dBjftJeZ4CVP-mJ92IvxCYMQdi0HlNf1tl-dN4k7bF0';
  assert.equal(await codeChallenge(verifier), createHash('sha256').update(verifier).digest('base64url'));
});

test('the authorization URL carries client, redirect, scope, state and a fresh S256 challenge', async () => {
  const auth = new CompanionAuth({ baseUrl: 'http://gw/', redirectUri: 'https://id.chromiumapp.org/' });
  const a = await auth.authorizationRequest();
  const b = await auth.authorizationRequest();
  const url = new URL(a.url);
  assert.equal(url.origin + url.pathname, 'http://gw/v1/auth/authorize');
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('client_id'), 'companion-extension');
  assert.equal(url.searchParams.get('redirect_uri'), 'https://id.chromiumapp.org/');
  assert.equal(url.searchParams.get('scope'), 'projects chats images');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('code_challenge'), await codeChallenge(a.codeVerifier));
  assert.match(a.codeVerifier, /^[A-Za-z0-9._~-]{64}$/);
  assert.notEqual(a.state, b.state);
  assert.notEqual(a.codeVerifier, b.codeVerifier);
});

test('chrome.identity login: the redirect code is exchanged with the verifier and the tokens land in chrome.storage', async () => {
  const gw = await fakeGateway((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(tokenJson('access-1', 'refresh-1', 3600)));
  });
  try {
    const area = new Map();
    const storageArea = {
      async get(key) { return { [key]: area.get(key) }; },
      async set(items) { Object.entries(items).forEach(([k, v]) => area.set(k, v)); },
      async remove(key) { area.delete(key); },
    };
    let launched;
    const identity = {
      getRedirectURL: () => 'https://extid.chromiumapp.org/',
      async launchWebAuthFlow({ url, interactive }) {
        launched = { url: new URL(url), interactive };
        return `https://extid.chromiumapp.org/?code=the-code&state=${launched.url.searchParams.get('state')}`;
      },
    };
    const auth = new CompanionAuth({ baseUrl: gw.url, storage: chromeStorage(storageArea) });
    const tokens = await auth.loginWithChromeIdentity(identity);
    assert.equal(launched.interactive, true);
    assert.equal(launched.url.searchParams.get('redirect_uri'), 'https://extid.chromiumapp.org/');
    const exchange = gw.requests[0];
    assert.equal(exchange.url, '/v1/auth/token');
    assert.equal(exchange.body.grant_type, 'authorization_code');
    assert.equal(exchange.body.code, 'the-code');
    assert.equal(exchange.body.redirect_uri, 'https://extid.chromiumapp.org/');
    assert.equal(await codeChallenge(exchange.body.code_verifier), launched.url.searchParams.get('code_challenge'));
    assert.equal(tokens.accessToken, 'access-1');
    assert.equal(area.get('companion.tokens').refreshToken, 'refresh-1');
    // a new page (popup reopened) reads them back
    const again = new CompanionAuth({ baseUrl: gw.url, storage: chromeStorage(storageArea) });
    assert.equal(await again.accessToken(), 'access-1');
  } finally {
    await gw.close();
  }
});

test('a redirect with another state, or an error, is refused without exchanging anything', async () => {
  const auth = new CompanionAuth({ baseUrl: 'http://127.0.0.1:9', redirectUri: 'https://x/' });
  const pending = await auth.authorizationRequest();
  await assert.rejects(auth.completeAuthorization('https://x/?code=c&state=forged', pending),
    (e) => e instanceof CompanionError && e.code === 'UNAUTHORIZED' && /state/.test(e.message));
  await assert.rejects(auth.completeAuthorization(`https://x/?error=access_denied&error_description=The+user+declined&state=${pending.state}`, pending),
    (e) => e.code === 'UNAUTHORIZED' && e.message === 'The user declined' && e.details.error === 'access_denied');
});

test('plain-browser login keeps state and verifier across the redirect', async () => {
  const gw = await fakeGateway((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(tokenJson('web-access'))));
  try {
    const storage = memoryStorage();
    const url = new URL(await new CompanionAuth({ baseUrl: gw.url, storage }).startBrowserLogin('http://app.test/callback'));
    // the page is gone and comes back on the redirect URI
    const auth = new CompanionAuth({ baseUrl: gw.url, storage });
    const tokens = await auth.completeBrowserLogin(`http://app.test/callback?code=c1&state=${url.searchParams.get('state')}`);
    assert.equal(tokens.accessToken, 'web-access');
    assert.equal(gw.requests[0].body.redirect_uri, 'http://app.test/callback');
    await assert.rejects(auth.completeBrowserLogin('http://app.test/callback?code=c1&state=x'), /No login in progress/);
  } finally {
    await gw.close();
  }
});

test('logout revokes at the server and forgets the tokens', async () => {
  const gw = await fakeGateway((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"success":true,"data":{"revokedTokens":1}}'));
  try {
    const auth = new CompanionAuth({ baseUrl: gw.url });
    await auth.setTokens({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, tokenType: 'Bearer' });
    await auth.logout();
    assert.equal(gw.requests[0].url, '/v1/auth/logout');
    assert.equal(gw.requests[0].headers.authorization, 'Bearer a');
    assert.equal(await auth.isLoggedIn(), false);
    await assert.rejects(auth.accessToken(), (e) => e.code === 'UNAUTHORIZED');
  } finally {
    await gw.close();
  }
});

test('register answers the new profile, and a taken email as CONFLICT', async () => {
  const gw = await fakeGateway((req, res) => {
    res.writeHead(req.body.email === 'taken@example.com' ? 409 : 201, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(req.body.email === 'taken@example.com'
      ? { success: false, error: { code: 'CONFLICT', message: 'Email already registered', details: { field: 'email' } }, requestId: 'req_c' }
      : { success: true, data: { id: 'user_1', email: req.body.email, name: req.body.name }, requestId: 'req_r' }));
  });
  try {
    const auth = new CompanionAuth({ baseUrl: gw.url });
    const profile = await auth.register({ email: 'new@example.com', password: 'a long password', name: 'New' });
    assert.deepEqual(profile, { id: 'user_1', email: 'new@example.com', name: 'New' });
    assert.equal(gw.requests[0].url, '/v1/auth/register');
    await assert.rejects(auth.register({ email: 'taken@example.com', password: 'a long password' }),
      (e) => e.code === 'CONFLICT' && e.status === 409 && e.details.field === 'email' && e.requestId === 'req_c');
    assert.equal(await auth.isLoggedIn(), false);
  } finally {
    await gw.close();
  }
});
