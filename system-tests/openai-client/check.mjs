// The official openai npm client against Companion's OpenAI-compatible API (run by AgentsIT).
// Env: OPENAI_BASE_URL (…/v1/openai), OPENAI_API_KEY (a Companion API token, cmp_…), MODEL, STREAM_MODEL.
// Prints one JSON line per step; exits non-zero on any client error.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY, maxRetries: 0, timeout: 60000 });
const out = (step, data) => console.log(JSON.stringify({ step, ...data }));

const models = await client.models.list();
out('models', { ids: models.data.map((m) => m.id) });

const completion = await client.chat.completions.create({
  model: process.env.MODEL,
  messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello from the openai client' }],
});
out('completion', { id: completion.id, object: completion.object, content: completion.choices[0].message.content,
  finish: completion.choices[0].finish_reason, totalTokens: completion.usage?.total_tokens });

const stream = await client.chat.completions.create({
  model: process.env.STREAM_MODEL || process.env.MODEL,
  messages: [{ role: 'user', content: 'Stream to me' }],
  stream: true,
  stream_options: { include_usage: true },
});
let content = '';
let chunks = 0;
let finish = null;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usage = chunk.usage;
  const choice = chunk.choices[0];
  if (!choice) continue;
  content += choice.delta?.content ?? '';
  if (choice.finish_reason) finish = choice.finish_reason;
}
out('stream', { content, chunks, finish, totalTokens: usage?.total_tokens });

try {
  await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] });
  out('badModel', { status: 200 });
} catch (e) {
  out('badModel', { status: e.status, code: e.error?.code ?? e.code, field: e.error?.details?.field });
}
