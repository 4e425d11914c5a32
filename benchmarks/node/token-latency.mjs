// Token to socket: how late a streamed token reaches the user's WebSocket, side by side with the same
// tokens read straight from the provider's SSE. One process plays the provider (a wire-level
// OpenAI-compatible /v1/chat/completions streaming chat.completion.chunk deltas) and every client, so
// one clock (performance.now) times "provider wrote the delta" -> "client received it".
//
// node token-latency.mjs --gateway http://127.0.0.1:28080 --provider-port 28990 --tokens t1,t2,... \
//   --loads 1,10,100 --rate 20 --seconds 5 --rounds 2 [--search 150,200,300]
// Each delta's content carries its stream, sequence number and write time: "[s:q@t]".
import http from 'node:http';
import { performance } from 'node:perf_hooks';

// epoch milliseconds with a fraction: the same clock as Kafka's record timestamps, for probes along the way
const now = () => performance.timeOrigin + performance.now();
import WebSocket from 'ws';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const gateway = args.gateway ?? 'http://127.0.0.1:28080';
const providerPort = Number(args['provider-port'] ?? 28990);
const tokens = (args.tokens ?? '').split(',').filter(Boolean);
const loads = (args.loads ?? '1,10,100').split(',').map(Number);
const search = (args.search ?? '').split(',').filter(Boolean).map(Number);
const rate = Number(args.rate ?? 20);
const seconds = Number(args.seconds ?? 5);
const rounds = Number(args.rounds ?? 2);
const chunksPerStream = rate * seconds;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

// ---------------------------------------------------------------- the provider
let streamSeq = 0;
const provider = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const request = JSON.parse(body);
    const id = `chatcmpl-${++streamSeq}`;
    const stream = streamSeq;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta, finish) => `data: ${JSON.stringify({
      id, object: 'chat.completion.chunk', created, model: request.model,
      choices: [{ index: 0, delta, finish_reason: finish ?? null }],
    })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }));
    let q = 0;
    const timer = setInterval(() => {
      if (q === chunksPerStream) {
        clearInterval(timer);
        res.write(chunk({}, 'stop'));
        if (request.stream_options?.include_usage) {
          res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [],
            usage: { prompt_tokens: 10, completion_tokens: chunksPerStream, total_tokens: 10 + chunksPerStream } })}\n\n`);
        }
        res.end('data: [DONE]\n\n');
        return;
      }
      res.write(chunk({ content: `[${stream}:${q}@${now().toFixed(3)}]` }));
      q++;
    }, 1000 / rate);
    res.on('close', () => clearInterval(timer));
  });
});
await new Promise((r) => provider.listen(providerPort, '127.0.0.1', r));

const DELTA = /\[(\d+):(\d+)@([\d.]+)\]/g;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function summary(lat, lost, disorder) {
  lat.sort((a, b) => a - b);
  return { n: lat.length, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat[lat.length - 1], lost, disorder };
}

// ---------------------------------------------------------------- direct: the provider's SSE read by the client
function directStream() {
  return new Promise((resolve, reject) => {
    const lat = [];
    let last = -1; let disorder = 0; let buf = '';
    const req = http.request(`http://127.0.0.1:${providerPort}/v1/chat/completions`, {
      method: 'POST', agent, headers: { 'content-type': 'application/json' },
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d) => {
        const t = now();
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 2);
          if (!line.startsWith('data: {')) continue;
          const content = JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '';
          for (const m of content.matchAll(DELTA)) {
            const q = Number(m[2]);
            if (q !== last + 1) disorder++;
            last = q;
            lat.push(t - Number(m[3]));
          }
        }
      });
      res.on('end', () => resolve({ lat, lost: chunksPerStream - lat.length, disorder }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'go' }] }));
  });
}

async function direct(streams) {
  const results = await Promise.all(Array.from({ length: streams }, (_, i) =>
    new Promise((r) => setTimeout(r, (i * 1000) / rate / streams)).then(directStream)));
  return summary(results.flatMap((r) => r.lat), results.reduce((a, r) => a + r.lost, 0), results.reduce((a, r) => a + r.disorder, 0));
}

// ---------------------------------------------------------------- through Companion: HTTP send, chunks on the socket
async function api(token, method, path, body) {
  const res = await fetch(gateway + path, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!json.success) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error)}`);
  return json.data;
}

class User {
  constructor(token) { this.token = token; this.chats = []; this.onChunk = () => {}; this.onDone = () => {}; }

  async open() {
    this.socket = new WebSocket(gateway.replace(/^http/, 'ws') + '/v1/ws');
    await new Promise((resolve, reject) => {
      this.socket.on('open', () => this.socket.send(JSON.stringify({ type: 'auth', token: this.token })));
      this.socket.on('message', (raw) => {
        const t = now();
        const m = JSON.parse(raw);
        if (m.type === 'connection.ready') resolve();
        else if (m.type === 'message.chunk') this.onChunk(m, t);
        else if (m.type === 'message.complete' || m.type === 'message.error') this.onDone(m);
        else if (m.type === 'error') reject(new Error(JSON.stringify(m)));
      });
      this.socket.on('error', reject);
    });
    const project = await api(this.token, 'POST', '/v1/projects', { name: `bench ${Date.now()}` });
    this.projectId = project.id;
  }

  async chatsFor(n) {
    while (this.chats.length < n) {
      const chat = await api(this.token, 'POST', `/v1/projects/${this.projectId}/chats`, { name: `stream ${this.chats.length}`, model: 'gpt-4o-mini' });
      this.chats.push(chat.id);
    }
  }
}

async function companion(users, streams) {
  const perUser = Math.ceil(streams / users.length);
  await Promise.all(users.map((u) => u.chatsFor(perUser)));
  const plan = [];
  for (let i = 0; i < streams; i++) plan.push([users[i % users.length], users[i % users.length].chats[Math.floor(i / users.length)]]);
  const lat = []; let disorder = 0; let received = 0;
  const lastIndex = new Map(); const lastSeq = new Map();
  let done = 0; let errors = 0; let finish;
  const finished = new Promise((r) => { finish = r; });
  const wanted = new Set(plan.map(([, chatId]) => chatId));
  for (const u of users) {
    u.onChunk = (m, t) => {
      if (!wanted.has(m.chatId)) return;
      const prev = lastIndex.get(m.messageId) ?? -1;
      if (m.index <= prev) disorder++;
      lastIndex.set(m.messageId, m.index);
      for (const d of (m.content ?? '').matchAll(DELTA)) {
        const q = Number(d[2]); const s = lastSeq.get(m.messageId) ?? -1;
        if (q !== s + 1) disorder++;
        lastSeq.set(m.messageId, q);
        lat.push(t - Number(d[3]));
        received++;
      }
    };
    u.onDone = (m) => {
      if (!wanted.has(m.chatId)) return;
      if (m.type === 'message.error') errors++;
      if (++done === streams) finish();
    };
  }
  await Promise.all(plan.map(([u, chatId], i) => new Promise((r) => setTimeout(r, (i * 1000) / rate / streams))
    .then(() => api(u.token, 'POST', `/v1/chats/${chatId}/messages`, { content: 'go' }))));
  await Promise.race([finished, new Promise((r) => setTimeout(r, (seconds + 30) * 1000))]);
  const result = summary(lat, streams * chunksPerStream - received, disorder);
  result.errors = errors;
  return result;
}

// ---------------------------------------------------------------- the run
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const row = (load, path, s) => console.log(`| ${load} streams × ${rate}/s | ${path} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${s.lost} | ${s.disorder}${s.errors ? ` (${s.errors} message.error)` : ''} |`);

const users = tokens.map((t) => new User(t));
await Promise.all(users.map((u) => u.open()));
// warm-up: JIT, pools, consumer assignment (not reported)
await companion(users, Math.min(20, Math.max(...loads)));
await direct(10);

console.log('| load | path | chunks | p50 (ms) | p99 (ms) | max (ms) | lost | out of order |');
console.log('|---|---|---|---|---|---|---|---|');
for (let r = 0; r < rounds; r++) {
  for (const load of loads) {
    row(load, 'direct SSE from the provider', await direct(load));
    row(load, 'through Companion (socket)', await companion(users, load));
  }
}
for (const load of search) {
  row(load, 'through Companion (socket)', await companion(users, load));
}
for (const u of users) u.socket.close();
provider.close();
agent.destroy();
process.exit(0);
