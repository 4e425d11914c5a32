// End-to-end: Debian's headless Chromium with the Companion extension loaded, driven through its side
// panel against a running system (GATEWAY_URL): login (OAuth code + PKCE in chrome.identity's window),
// project, instruction set, chat (chunks in order, final text == message.complete), the gateway killed
// and restarted mid-answer (the answer arrives whole: no gap, no duplicate), an image with progress,
// and a zip download through chrome.downloads. Screenshots of each screen go to OUT_DIR.
//
// Control channel: when run by the Java IT (CONTROL=stdio), the line "@@control restart-gateway" on
// stdout asks it to SIGKILL the gateway and start it again; it answers "restarted" on stdin.
// Exits 0 when every check passed; prints "N passed, N failed".
import { existsSync, mkdirSync, statSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const GATEWAY = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const EXTENSION_DIR = resolve(process.env.EXTENSION_DIR ?? join(here, '../extension'));
const OUT = resolve(process.env.OUT_DIR ?? join(here, 'target/e2e'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CONTROL = process.env.CONTROL ?? 'none';
const EXTENSION_ID = 'eeodmhoociklpbelmdhhclaidcemklhn';   // from the manifest's "key"
const STEP_TIMEOUT = 90_000;

let passed = 0;
let failed = 0;
const t0 = Date.now();
function log(msg) {
  console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
function check(ok, what, detail = '') {
  if (ok) {
    passed++;
    log(`ok   ${what}`);
  } else {
    failed++;
    log(`FAIL ${what} ${detail}`);
  }
  return ok;
}

// ------------------------------------------------------------------ control channel to the Java IT
const stdinLines = [];
const lineWaiters = [];
if (CONTROL === 'stdio') {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const w = lineWaiters.shift();
    if (w) {
      w(line);
    } else {
      stdinLines.push(line);
    }
  });
}
function nextControlLine() {
  return stdinLines.length ? Promise.resolve(stdinLines.shift()) : new Promise((r) => lineWaiters.push(r));
}
async function restartGateway() {
  if (CONTROL !== 'stdio') {
    return false;
  }
  console.log('@@control restart-gateway');
  const answer = await nextControlLine();
  if (answer !== 'restarted') {
    throw new Error(`control channel answered ${answer}`);
  }
  return true;
}

// ------------------------------------------------------------------ helpers
async function shot(page, name) {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}`);
}

async function waitFor(page, fn, arg, what, timeout = STEP_TIMEOUT) {
  try {
    return await page.waitForFunction(fn, { timeout, polling: 100 }, arg);
  } catch (e) {
    const error = await page.$eval('#error', (n) => (n.hidden ? '' : n.textContent)).catch(() => '');
    throw new Error(`timed out waiting for ${what}${error ? ` (panel shows: ${error})` : ''}`);
  }
}

async function type(page, selector, text) {
  await page.$eval(selector, (n) => {
    n.value = '';
  });
  await page.type(selector, text, { delay: 0 });
}

/** The assistant bubble of the newest answer, once complete: its chunks and the final text. */
async function answerOf(page) {
  await waitFor(page, () => {
    const b = [...document.querySelectorAll('#messages .msg.assistant')].at(-1);
    return b && b.dataset.state !== 'streaming';
  }, undefined, 'the answer to complete');
  return page.evaluate(() => {
    const b = [...document.querySelectorAll('#messages .msg.assistant')].at(-1);
    return {
      state: b.dataset.state,
      messageId: b.dataset.messageId,
      fullContent: b.dataset.fullContent,
      text: [...b.querySelectorAll('.chunk')].map((c) => c.textContent).join(''),
      chunks: [...b.querySelectorAll('.chunk')].map((c) => ({ index: Number(c.dataset.index), resumed: c.dataset.resumed === 'true', length: c.textContent.length })),
      error: b.classList.contains('error') ? b.textContent : undefined,
    };
  });
}

function checkAnswer(answer, what) {
  const indexes = answer.chunks.map((c) => c.index);
  const increasing = indexes.every((v, i) => i === 0 || v > indexes[i - 1]);
  check(answer.state === 'complete', `${what}: the answer completed`, answer.error ?? answer.state);
  check(indexes[0] === 0 && increasing, `${what}: chunks in order from index 0`, JSON.stringify(indexes.slice(0, 40)));
  check(answer.text === answer.fullContent && answer.text.length > 0,
    `${what}: the chunks shown add up to message.complete's fullContent`,
    `\n  shown:    ${JSON.stringify(answer.text)}\n  complete: ${JSON.stringify(answer.fullContent)}`);
}

// ------------------------------------------------------------------ the run
async function main() {
  mkdirSync(OUT, { recursive: true });
  const downloads = join(OUT, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  if (!existsSync(join(EXTENSION_DIR, 'lib/companion-sdk.js'))) {
    throw new Error(`${EXTENSION_DIR}/lib/companion-sdk.js is missing: run npm run build in sdk/`);
  }
  log(`gateway ${GATEWAY}, extension ${manifest.name} ${manifest.version} from ${EXTENSION_DIR}`);

  const email = `e2e-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = 'a long e2e password';

  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,   // the new headless mode (the whole browser, extensions included)
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--disable-features=DisableLoadExtensionCommandLineSwitch',
      '--no-sandbox',   // CI runs as root
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--window-size=520,900',
    ],
    defaultViewport: { width: 480, height: 860 },
    protocolTimeout: 120_000,
  });
  try {
    const cdp = await browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });

    const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`), { timeout: 30_000 });
    check(Boolean(worker), `the extension's service worker runs (id ${EXTENSION_ID})`);

    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`panel error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') {
        log(`panel console.${m.type()}: ${m.text()}`);
      }
    });
    await page.goto(`chrome-extension://${EXTENSION_ID}/panel.html`);

    // ---------------------------------------------------------- 1. login through chrome.identity
    await waitFor(page, () => document.body.dataset.screen === 'login', undefined, 'the login screen');
    await type(page, '#gateway-url', GATEWAY);
    // a bad registration shows the envelope's validation error and creates nothing
    await page.evaluate(() => document.getElementById('register').open = true);
    await type(page, '#register-name', 'Extension Tester');
    await type(page, '#register-email', email);
    await page.$eval('#register-password', (n) => {
      n.value = 'short';
      n.removeAttribute('minlength');   // let the server judge it
    });
    await page.click('#register-form button[type=submit]');
    await waitFor(page, () => !document.getElementById('error').hidden, undefined, 'the validation error');
    const refusal = await page.$eval('#error', (n) => n.textContent);
    check(/VALIDATION_ERROR/.test(refusal) && /password/.test(refusal), 'a too-short password is refused with the field named', refusal);
    await type(page, '#register-password', password);
    await page.click('#register-form button[type=submit]');
    await waitFor(page, () => document.getElementById('register-status').dataset.state === 'created', undefined, 'the account');
    check(true, 'an account is created from the panel');
    await shot(page, '01-login');
    const authTarget = browser.waitForTarget((t) => t.url().includes('/v1/auth/authorize'), { timeout: 30_000 });
    await page.click('#login');
    const target = await authTarget;
    const authPage = await target.asPage();
    await authPage.waitForSelector('input[name=email]', { timeout: 30_000 });
    check(new URL(authPage.url()).searchParams.get('code_challenge_method') === 'S256', 'the login window is the authorization page with a PKCE challenge');
    await authPage.type('input[name=email]', email);
    await authPage.type('input[name=password]', password);
    await authPage.setViewport({ width: 480, height: 640 }).catch(() => undefined);
    await shot(authPage, '02-authorize');
    await authPage.click('button[value=approve]');
    await waitFor(page, () => document.body.dataset.screen === 'projects', undefined, 'the projects screen after login');
    const stored = await page.evaluate(async () => Object.keys(await chrome.storage.local.get(null)));
    check(stored.some((k) => k.startsWith('companion.tokens@')), 'tokens are kept in chrome.storage.local', JSON.stringify(stored));
    await waitFor(page, () => document.getElementById('conn').dataset.state === 'ready', undefined, 'the event socket');
    check(true, 'the event socket is authenticated (connection.ready)');

    // ---------------------------------------------------------- 2. project, instruction set, chat
    await type(page, '#project-name', 'Extension project');
    await type(page, '#project-description', 'Made by the end-to-end test');
    await page.click('#project-form button[type=submit]');
    await waitFor(page, () => document.body.dataset.screen === 'project', undefined, 'the project screen');
    await type(page, '#instruction-name', 'Tester voice');
    await type(page, '#instruction-role', 'You are a meticulous test engineer');
    await page.click('#instruction-form button[type=submit]');
    await waitFor(page, () => document.querySelectorAll('#instruction-list li').length === 1
      && document.getElementById('effective').textContent.includes('meticulous test engineer'), undefined, 'the instruction set and the effective prompt');
    check(true, 'an instruction set is created and shows in the effective system prompt');
    await type(page, '#chat-name', 'Streaming chat');
    await page.click('#chat-form button[type=submit]');
    await waitFor(page, () => document.body.dataset.screen === 'chat', undefined, 'the chat screen');
    // back to the project once, to show its lists in the screenshot
    await page.evaluate(() => [...document.querySelectorAll('#crumbs a')][1].click());
    await waitFor(page, () => document.body.dataset.screen === 'project' && document.querySelectorAll('#chat-list li').length === 1, undefined, 'the chat in the project list');
    await page.evaluate(() => document.querySelector('details').open = true);
    await shot(page, '03-project');
    const projectsCount = await page.evaluate(() => document.querySelectorAll('#chat-list li').length);
    check(projectsCount === 1, 'the project lists its chat');
    await page.evaluate(() => document.querySelector('#chat-list li a').click());
    await waitFor(page, () => document.body.dataset.screen === 'chat', undefined, 'the chat screen again');

    // ---------------------------------------------------------- 3. a streamed answer
    await type(page, '#prompt', 'Explain React hooks with examples');
    await page.click('#send');
    const first = await answerOf(page);
    checkAnswer(first, 'short answer');
    check(first.fullContent.startsWith('Offline echo: Explain React hooks with examples'), 'the offline model answered the prompt', first.fullContent);
    check(first.chunks.length > 3 && first.chunks.every((c) => !c.resumed), 'it arrived as live chunks', `${first.chunks.length} chunks`);
    // a new answer to the same prompt (a sibling branch), streamed the same way
    await page.evaluate(() => [...document.querySelectorAll('#messages .msg.assistant .regenerate')].at(-1).click());
    await waitFor(page, () => document.querySelectorAll('#messages .msg.assistant').length === 2, undefined, 'the regenerated answer to start');
    const again = await answerOf(page);
    checkAnswer(again, 'regenerated answer');
    check(again.messageId && again.messageId !== first.messageId, 'regenerate made a new answer', `${first.messageId} → ${again.messageId}`);
    await shot(page, '04-chat');

    // ---------------------------------------------------------- 4. the gateway dies mid-answer
    // the offline model echoes the prompt word by word: about 300 words (36 s at the IT's 120 ms a word)
    const lines = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a long answer that streams while the gateway restarts.`).join(' ');
    await page.$eval('#prompt', (n, v) => {
      n.value = v;
    }, `Repeat after me: ${lines}`);
    await page.click('#send');
    await waitFor(page, () => {
      const b = [...document.querySelectorAll('#messages .msg.assistant')].at(-1);
      return b && b.dataset.state === 'streaming' && b.querySelectorAll('.chunk').length >= 8;
    }, undefined, 'the long answer to start streaming');
    const connectionsBefore = await page.evaluate(() => globalThis.companion.socket.connections);
    const restarted = await restartGateway();
    if (restarted) {
      log('gateway restarted');
      const during = await page.evaluate(() => [...document.querySelectorAll('#messages .msg.assistant')].at(-1).dataset.state);
      log(`answer state after the restart: ${during}`);
    } else {
      log('CONTROL is not stdio: the gateway restart is skipped');
    }
    const long = await answerOf(page);
    checkAnswer(long, 'answer across a gateway restart');
    const stored2 = await page.evaluate(async (id) => {
      const chats = await globalThis.companion.projects.list({ limit: 5 });
      const project = chats.projects.find((p) => p.name === 'Extension project');
      const chatList = await globalThis.companion.chats.list(project.id);
      return (await globalThis.companion.messages.get(chatList.chats[0].id, id)).content;
    }, long.messageId);
    check(stored2 === long.fullContent, 'the answer shown equals the answer stored by chat-service');
    check(long.fullContent.includes('Line 30 of a long answer'), 'the whole answer arrived', long.fullContent.slice(-80));
    if (restarted) {
      const connections = await page.evaluate(() => globalThis.companion.socket.connections);
      check(connections > connectionsBefore, 'the socket reconnected to the restarted gateway', `${connectionsBefore} → ${connections}`);
      check(long.chunks.some((c) => c.resumed), 'the part streamed while no gateway was up came from stream-status (one resumed chunk)',
        JSON.stringify(long.chunks.filter((c) => c.resumed)));
      // the answer outlasts the restart (the IT slows the offline model): after the resumed part the
      // restarted gateway's chunks follow stream-status's lastIndex one by one
      // (a resumed chunk stands for everything up to its index: a gateway still joining its consumer
      // group can cost a second one)
      const firstResumed = long.chunks.findIndex((c) => c.resumed);
      const after = long.chunks.slice(firstResumed);
      const contiguous = after.every((c, i) => {
        if (i === 0) {
          return true;
        }
        const previous = after[i - 1].index;
        return c.resumed ? c.index > previous : c.index === previous + 1;
      });
      check(after.some((c) => !c.resumed) && contiguous,
        'live chunks continued right after stream-status\'s lastIndex, without a gap', JSON.stringify(after.slice(0, 10)));
      log(`across the restart: ${long.chunks.length} chunks shown, resumed ones: ${JSON.stringify(long.chunks.filter((c) => c.resumed))}, ${after.length} live after`);
    }

    // ---------------------------------------------------------- 5. an image with progress
    await waitFor(page, () => document.getElementById('conn').dataset.state === 'ready', undefined, 'the socket before the image');
    await type(page, '#image-prompt', 'A harbour at night, minimalist');
    await page.click('#image-form button[type=submit]');
    await waitFor(page, () => document.getElementById('image-progress').dataset.state === 'done'
      && document.querySelectorAll('#gallery figure').length === 1, undefined, 'the generated image');
    const seen = await page.$eval('#image-progress', (n) => (n.dataset.seen ?? '').split(',').filter(Boolean).map(Number));
    check(seen.some((p) => p > 0 && p < 100), 'the progress bar moved through image.progress values', JSON.stringify(seen));
    check(seen.every((p, i) => i === 0 || p > seen[i - 1]) && seen.at(-1) === 100, 'progress only went forward and ended at 100', JSON.stringify(seen));
    await waitFor(page, () => {
      const img = document.querySelector('#gallery img');
      return img && img.complete && img.naturalWidth > 0;
    }, undefined, 'the thumbnail to load');
    check(true, 'the image is shown from its presigned URL');
    await page.evaluate(() => document.querySelector('#gallery figure .analyze').click());
    await waitFor(page, () => document.getElementById('analysis').dataset.state === 'done', undefined, 'the analysis');
    const analysis = await page.$eval('#analysis', (n) => n.textContent);
    check(analysis.length > 20, 'the image was analyzed (offline analyzer: measured facts)', analysis.slice(0, 120));

    // ---------------------------------------------------------- 6. a second image, then a zip of both
    await type(page, '#image-prompt', 'A lighthouse at dawn');
    await page.click('#image-form button[type=submit]');
    await waitFor(page, () => document.getElementById('image-progress').dataset.state === 'done'
      && document.querySelectorAll('#gallery figure').length === 2, undefined, 'the second image');
    await page.evaluate(() => document.querySelectorAll('#gallery .pick').forEach((c) => c.click()));
    await shot(page, '05-images');
    await page.click('#download-selected');
    await waitFor(page, () => document.getElementById('download-status').dataset.state === 'complete', undefined, 'the zip download');
    const saved = await page.$eval('#download-status', (n) => ({ file: n.dataset.file, bytes: Number(n.dataset.bytes), text: n.textContent }));
    log(`saved ${saved.file} (${saved.bytes} B)`);
    check(saved.file.endsWith('.zip'), 'a zip was downloaded through chrome.downloads', saved.file);
    let zipOk = false;
    if (existsSync(saved.file)) {
      const buf = readFileSync(saved.file);
      const entries = (buf.toString('latin1').match(/PK\x01\x02/g) ?? []).length;
      zipOk = buf.readUInt32LE(0) === 0x04034b50 && entries === 2 && statSync(saved.file).size === saved.bytes;
      check(zipOk, 'the zip on disk is whole and holds both images', `${entries} central entries, ${buf.length} B`);
    } else {
      check(false, 'the zip is on disk', saved.file);
    }
    // one image alone, converted to JPEG
    await page.select('#download-format', 'jpg');
    await page.evaluate(() => document.querySelector('#gallery figure .download').click());
    await waitFor(page, () => document.getElementById('download-status').dataset.state === 'complete'
      && document.getElementById('download-status').dataset.file.endsWith('.jpg'), undefined, 'the single download');
    const single = await page.$eval('#download-status', (n) => n.dataset.file);
    const jpeg = existsSync(single) ? readFileSync(single) : Buffer.alloc(0);
    check(jpeg.length > 1000 && jpeg[0] === 0xff && jpeg[1] === 0xd8, 'a single image was converted to JPEG and saved through chrome.downloads', `${single} ${jpeg.length} B`);
    const history = await page.evaluate(async () => (await globalThis.companion.downloads.history()).downloads.map((d) => d.type));
    check(history.includes('bulk') && history.includes('single'), 'both downloads are in the download history', JSON.stringify(history));
    await shot(page, '06-download');
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (e) {
  failed++;
  log(`FAIL ${e.stack ?? e}`);
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
