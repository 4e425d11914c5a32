// The side panel: every screen of the extension, built on @companion/sdk (lib/companion-sdk.js,
// copied there by `npm run build` in sdk/). No framework: plain DOM.
import { CompanionClient, CompanionError, chromeStorage } from './lib/companion-sdk.js';

const $ = (id) => document.getElementById(id);
const DEFAULT_GATEWAY = 'http://127.0.0.1:8080';
const state = { client: undefined, project: undefined, chat: undefined, answerId: undefined };

// ------------------------------------------------------------------ helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') {
      node.className = v;
    } else if (k.startsWith('on')) {
      node.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      Object.assign(node.dataset, v);
    } else if (v !== undefined && v !== null && v !== false) {
      node.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children) {
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function showError(e) {
  const box = $('error');
  if (!e) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  let text = e instanceof CompanionError ? `${e.message} (${e.code})` : String(e?.message ?? e);
  if (e instanceof CompanionError && e.details?.field) {
    text += ` — ${e.details.field}${e.details.constraint ? `: ${e.details.constraint}` : ''}${e.details.value !== undefined ? ` ${JSON.stringify(e.details.value)}` : ''}`;
  }
  if (e instanceof CompanionError && e.retryAfter) {
    text += ` — try again in ${e.retryAfter} s`;
  }
  box.textContent = text;
  box.hidden = false;
  console.warn('companion:', e);
}

/** Runs a UI action: clears the error, disables the button meanwhile, shows what fails. */
function action(fn) {
  return async (event) => {
    event?.preventDefault?.();
    const button = event?.submitter ?? (event?.currentTarget instanceof HTMLButtonElement ? event.currentTarget : undefined);
    if (button) {
      button.disabled = true;
    }
    showError(undefined);
    try {
      await fn(event);
    } catch (e) {
      if (e instanceof CompanionError && e.code === 'UNAUTHORIZED' && !(await state.client?.auth.isLoggedIn())) {
        showLogin();
      }
      showError(e);
    } finally {
      if (button) {
        button.disabled = false;
      }
    }
  };
}

function show(screen) {
  for (const s of document.querySelectorAll('.screen')) {
    s.hidden = s.id !== `screen-${screen}`;
  }
  document.body.dataset.screen = screen;
  renderCrumbs(screen);
}

function renderCrumbs(screen) {
  const nav = $('crumbs');
  nav.replaceChildren();
  if (screen === 'login') {
    return;
  }
  const parts = [el('a', { onclick: action(() => openProjects()) }, 'Projects')];
  if ((screen === 'project' || screen === 'chat') && state.project) {
    const projectId = state.project.id;
    parts.push(' › ', el('a', { onclick: action(() => openProject(projectId)) }, state.project.name));
  }
  if (screen === 'chat' && state.chat) {
    parts.push(' › ', el('span', {}, state.chat.name));
  }
  nav.append(...parts);
}

function setConnection(socketState) {
  const c = $('conn');
  c.dataset.state = socketState;
  c.textContent = { ready: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', closed: 'offline', idle: 'offline' }[socketState] ?? socketState;
}

function formatBytes(n) {
  if (!Number.isFinite(n)) {
    return '';
  }
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

// ------------------------------------------------------------------ client and login

async function gatewayUrl() {
  const { gatewayUrl: url } = await chrome.storage.local.get('gatewayUrl');
  return url || DEFAULT_GATEWAY;
}

function makeClient(baseUrl) {
  const client = new CompanionClient({
    baseUrl,
    auth: { storage: chromeStorage(chrome.storage.local), storageKey: `companion.tokens@${baseUrl}` },
    socket: { maxBackoffMs: 5000 },
  });
  client.socket.on('state', (e) => setConnection(e.state));
  client.onRateLimit((info) => {
    $('ratelimit').textContent = `Rate limit: ${info.remaining} of ${info.limit} left, resets in ${info.resetAfter} s`;
  });
  client.socket.on('download.ready', () => refreshHistory().catch(() => undefined));
  client.socket.on('chat.created', () => {
    if (document.body.dataset.screen === 'project') {
      refreshChats().catch(() => undefined);
    }
  });
  globalThis.companion = client;   // for the DevTools console
  return client;
}

async function ensureHostPermission(baseUrl) {
  const origin = `${new URL(baseUrl).origin}/*`;
  if (await chrome.permissions.contains({ origins: [origin] })) {
    return;
  }
  if (!(await chrome.permissions.request({ origins: [origin] }))) {
    throw new Error(`The extension needs access to ${new URL(baseUrl).origin}`);
  }
}

async function afterLogin() {
  const client = state.client;
  const profile = await client.profile.get();
  $('user').textContent = profile.name || profile.email;
  $('logout').hidden = false;
  client.socket.connect().catch((e) => showError(e));
  await openProjects();
}

function showLogin() {
  $('user').textContent = '';
  $('logout').hidden = true;
  show('login');
}

$('login-form').addEventListener('submit', action(async () => {
  const baseUrl = $('gateway-url').value.trim().replace(/\/+$/, '');
  new URL(baseUrl);   // throws on a malformed URL
  await ensureHostPermission(baseUrl);
  await chrome.storage.local.set({ gatewayUrl: baseUrl });
  state.client?.socket.close();
  state.client = makeClient(baseUrl);
  await state.client.auth.loginWithChromeIdentity();
  await afterLogin();
}));

$('register-form').addEventListener('submit', action(async () => {
  const baseUrl = $('gateway-url').value.trim().replace(/\/+$/, '');
  await ensureHostPermission(baseUrl);
  const client = state.client?.baseUrl === baseUrl ? state.client : makeClient(baseUrl);
  state.client = client;
  const profile = await client.auth.register({
    email: $('register-email').value.trim(),
    password: $('register-password').value,
    name: $('register-name').value.trim() || undefined,
  });
  $('register-password').value = '';
  $('register-status').textContent = `Account ${profile.email} created: sign in with it.`;
  $('register-status').dataset.state = 'created';
}));

$('logout').addEventListener('click', action(async () => {
  await state.client?.auth.logout();
  state.client?.socket.close();
  showLogin();
}));

// ------------------------------------------------------------------ projects

async function openProjects() {
  state.project = undefined;
  state.chat = undefined;
  show('projects');
  const { projects } = await state.client.projects.list({ limit: 50, sort: 'updatedAt', order: 'desc' });
  $('project-list').replaceChildren(...projects.map((p) => el('li', { dataset: { projectId: p.id } },
    el('a', { onclick: action(() => openProject(p.id)) }, p.name),
    el('span', { class: 'muted' }, `${p.chatCount ?? 0} chats`))));
  await refreshHistory();
}

async function refreshHistory() {
  const { downloads } = await state.client.downloads.history({ limit: 10 });
  $('download-history').replaceChildren(...downloads.map((d) => el('li', {},
    el('span', {}, d.fileName), el('span', { class: 'muted' }, `${d.type} · ${formatBytes(d.size)} · ${new Date(d.downloadedAt).toLocaleString()}`))));
}

$('project-form').addEventListener('submit', action(async () => {
  const project = await state.client.projects.create({
    name: $('project-name').value.trim(),
    description: $('project-description').value.trim() || undefined,
  });
  $('project-name').value = '';
  $('project-description').value = '';
  await openProject(project.id);
}));

async function openProject(projectId) {
  state.project = await state.client.projects.get(projectId);
  state.chat = undefined;
  $('project-title').textContent = state.project.name;
  $('project-description-view').textContent = state.project.description ?? '';
  show('project');
  await Promise.all([refreshChats(), refreshInstructions()]);
}

async function refreshChats(projectId = state.project?.id) {
  if (!projectId) {
    return;
  }
  const { chats } = await state.client.chats.list(projectId, { limit: 50 });
  if (state.project?.id !== projectId) {
    return;   // the user moved on meanwhile
  }
  $('chat-list').replaceChildren(...chats.map((c) => el('li', { dataset: { chatId: c.id } },
    el('a', { onclick: action(() => openChat(c.id)) }, c.name),
    el('span', { class: 'muted' }, `${c.messageCount ?? 0} messages · ${c.model}`))));
}

async function refreshInstructions(projectId = state.project?.id) {
  if (!projectId) {
    return;
  }
  const [{ instructions }, effective] = await Promise.all([
    state.client.instructions.list({ projectId, limit: 100 }),
    state.client.instructions.effective({ projectId }),
  ]);
  if (state.project?.id !== projectId) {
    return;
  }
  $('instruction-list').replaceChildren(...instructions.map((i) => el('li', { dataset: { instructionId: i.id } },
    el('span', { class: 'grow' }, el('strong', {}, i.name), ' ', el('span', { class: 'muted' }, `${i.scope} · ${i.instructions.role ?? ''}`)),
    el('button', { class: 'link', title: 'Delete', onclick: action(async () => {
      await state.client.instructions.delete(i.id);
      await refreshInstructions();
    }) }, 'delete'))));
  $('effective').textContent = effective.systemPrompt || '(nothing applies yet)';
}

$('chat-form').addEventListener('submit', action(async () => {
  const chat = await state.client.chats.create(state.project.id, { name: $('chat-name').value.trim() });
  $('chat-name').value = '';
  await openChat(chat.id);
}));

$('instruction-form').addEventListener('submit', action(async () => {
  const scope = $('instruction-scope').value;
  await state.client.instructions.create({
    name: $('instruction-name').value.trim(),
    scope,
    projectId: scope === 'project' ? state.project.id : undefined,
    instructions: {
      role: $('instruction-role').value.trim() || undefined,
      style: $('instruction-style').value.trim() || undefined,
    },
  });
  $('instruction-name').value = '';
  $('instruction-role').value = '';
  $('instruction-style').value = '';
  await refreshInstructions();
}));

// ------------------------------------------------------------------ chat

async function openChat(chatId) {
  state.chat = await state.client.chats.get(chatId);
  if (!state.project || state.project.id !== state.chat.projectId) {
    state.project = await state.client.projects.get(state.chat.projectId);
  }
  $('chat-title').textContent = state.chat.name;
  show('chat');
  const { messages } = await state.client.messages.list(chatId, { limit: 100 });
  if (state.chat?.id !== chatId) {
    return;
  }
  $('messages').replaceChildren(...messages.map((m) => el('div', { class: `msg ${m.role}`, dataset: { messageId: m.id, state: m.status ?? 'complete' } }, m.content)));
  $('messages').scrollTop = $('messages').scrollHeight;
  await refreshGallery(chatId);
}

$('prompt-form').addEventListener('submit', action(async () => {
  const content = $('prompt').value.trim();
  if (!content) {
    return;
  }
  const chatId = state.chat.id;
  $('messages').append(el('div', { class: 'msg user' }, content));
  $('prompt').value = '';
  await streamInto(chatId, (onAnswerId) => state.client.sendPrompt(chatId, content, { onAnswerId }));
}));

/** Shows an answer as it streams: one span per chunk, then the final state; adds Regenerate at the end. */
async function streamInto(chatId, start) {
  const list = $('messages');
  const bubble = el('div', { class: 'msg assistant', dataset: { state: 'streaming' } });
  list.append(bubble);
  $('cancel').hidden = false;
  try {
    for await (const event of start((id) => {
      state.answerId = id;
      bubble.dataset.messageId = id;
    })) {
      if (event.type === 'message.chunk') {
        bubble.append(el('span', { class: 'chunk', dataset: { index: String(event.index), ...(event.resumed ? { resumed: 'true' } : {}) } }, event.content));
      } else {
        bubble.dataset.fullContent = event.fullContent;
        bubble.dataset.state = 'complete';
        if (event.usage) {
          bubble.title = `${event.usage.totalTokens} tokens`;
        }
        const answerId = event.messageId;
        bubble.append(el('div', { class: 'actions' }, el('button', { class: 'link regenerate', onclick: action(() =>
          streamInto(chatId, (onAnswerId) => state.client.regenerate(chatId, answerId, { onAnswerId }))) }, 'Regenerate')));
      }
      list.scrollTop = list.scrollHeight;
    }
  } catch (e) {
    bubble.dataset.state = 'error';
    bubble.classList.add('error');
    bubble.append(el('div', {}, e instanceof CompanionError ? `${e.code}: ${e.message}` : String(e)));
    throw e;
  } finally {
    $('cancel').hidden = true;
    state.answerId = undefined;
  }
}

$('cancel').addEventListener('click', action(async () => {
  if (state.answerId) {
    await state.client.messages.cancel(state.chat.id, state.answerId);
  }
}));

// ------------------------------------------------------------------ images and downloads

async function refreshGallery(chatId = state.chat?.id) {
  if (!chatId) {
    return;
  }
  const { images } = await state.client.images.list({ chatId, limit: 50 });
  if (state.chat?.id !== chatId) {
    return;
  }
  $('gallery').replaceChildren(...images.map((img) => el('figure', { dataset: { imageId: img.id } },
    el('img', { src: img.thumbnailUrl || img.url, alt: img.prompt ?? 'generated image', loading: 'lazy' }),
    el('figcaption', {},
      el('label', {}, el('input', { type: 'checkbox', class: 'pick', value: img.id, onchange: updateSelection }), ` ${img.size}`),
      el('button', { class: 'link analyze', onclick: action(() => analyze(img.id)) }, 'Analyze'),
      el('button', { class: 'link download', onclick: action(() => downloadSingle(img.id)) }, 'Download')))));
  updateSelection();
}

function updateSelection() {
  const picked = document.querySelectorAll('#gallery .pick:checked').length;
  $('download-selected').disabled = picked === 0;
  $('download-selected').textContent = picked > 1 ? `Download ${picked} as zip` : 'Download selected as zip';
}

$('image-form').addEventListener('submit', action(async () => {
  const bar = $('image-progress-bar');
  const label = $('image-progress-label');
  const seen = [];
  bar.value = 0;
  label.textContent = 'queued';
  $('image-progress').hidden = false;
  $('image-progress').dataset.state = 'running';
  const generationChat = state.chat.id;
  const generation = await state.client.images.generate({
    prompt: $('image-prompt').value.trim(),
    chatId: generationChat,
    options: { size: $('image-size').value, n: 1 },
  });
  $('image-progress').dataset.generationId = generation.id;
  await state.client.images.waitFor(generation.id, {
    onProgress: (progress, status) => {
      seen.push(progress);
      bar.value = progress;
      label.textContent = `${progress} % ${status}`;
      $('image-progress').dataset.seen = seen.join(',');
    },
  });
  $('image-progress').dataset.state = 'done';
  label.textContent = '100 % done';
  $('image-prompt').value = '';
  await refreshGallery(generationChat);
}));

async function analyze(imageId) {
  const box = $('analysis');
  box.hidden = false;
  box.dataset.state = 'running';
  box.textContent = 'Analyzing…';
  const result = await state.client.images.analyze({ imageId, question: $('analyze-question').value.trim() || undefined, chatId: state.chat.id });
  const facts = result.analysis.structuredData ?? {};
  box.textContent = `${result.analysis.description}${facts.width ? `\n${facts.width}×${facts.height} ${facts.format ?? ''}` : ''}`;
  box.dataset.state = 'done';
  box.dataset.imageId = imageId;
}

/** Saves a link with chrome.downloads and resolves when the file is complete on disk. */
function saveFile(url, filename) {
  return new Promise((resolve, reject) => {
    chrome.downloads.download({ url, filename, conflictAction: 'uniquify' }, (downloadId) => {
      if (chrome.runtime.lastError || downloadId === undefined) {
        reject(new Error(chrome.runtime.lastError?.message ?? 'The download did not start'));
        return;
      }
      const listener = async (delta) => {
        if (delta.id !== downloadId || !delta.state) {
          return;
        }
        if (delta.state.current === 'complete' || delta.state.current === 'interrupted') {
          chrome.downloads.onChanged.removeListener(listener);
          const [item] = await chrome.downloads.search({ id: downloadId });
          if (delta.state.current === 'complete') {
            resolve(item);
          } else {
            reject(new Error(`The download was interrupted: ${item?.error ?? 'unknown'}`));
          }
        }
      };
      chrome.downloads.onChanged.addListener(listener);
    });
  });
}

function downloadDone(item, what) {
  const status = $('download-status');
  status.textContent = `Saved ${item.filename.split('/').pop()} (${formatBytes(item.fileSize || item.totalBytes)}) — ${what}`;
  status.dataset.state = 'complete';
  status.dataset.file = item.filename;
  status.dataset.bytes = String(item.fileSize || item.totalBytes);
}

async function downloadSingle(imageId) {
  const format = $('download-format').value;
  $('download-status').dataset.state = 'running';
  const d = await state.client.downloads.single(imageId, { format });
  downloadDone(await saveFile(d.downloadUrl, d.fileName), format.toUpperCase());
}

$('download-selected').addEventListener('click', action(async () => {
  const imageIds = [...document.querySelectorAll('#gallery .pick:checked')].map((c) => c.value);
  const status = $('download-status');
  status.dataset.state = 'running';
  status.textContent = `Bundling ${imageIds.length} images…`;
  let d = await state.client.downloads.bulk({ imageIds, format: $('download-format').value, createZip: true, folderStructure: 'flat' });
  if (d.status !== 'ready') {
    d = await state.client.downloads.waitFor(d.id);
  }
  downloadDone(await saveFile(d.downloadUrl, d.fileName), `${d.fileCount} files`);
  await refreshHistory().catch(() => undefined);
}));

// ------------------------------------------------------------------ start

(async () => {
  const baseUrl = await gatewayUrl();
  $('gateway-url').value = baseUrl;
  state.client = makeClient(baseUrl);
  if (await state.client.auth.isLoggedIn()) {
    try {
      await afterLogin();
      return;
    } catch (e) {
      showError(e);
    }
  }
  showLogin();
})();
