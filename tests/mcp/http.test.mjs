// Drives `onyx serve` over Streamable HTTP: the official SDK client (session
// era) calls every tool; raw requests check the stateless 2026-07-28 era and
// the 400/403/404/405/406/413/415 answers; 50 clients call at once while an
// ingest runs; the MCP Inspector CLI lists and calls tools; SIGTERM stops the
// server cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

const onyx = process.env.ONYX_BINARY;
const source = process.env.ONYX_SOURCE_DIR ?? '.';
assert.ok(onyx, 'ONYX_BINARY names the onyx binary');
const here = dirname(fileURLToPath(import.meta.url));

let dir;
let data;
let tree;
let server;
let port;
let stderr = '';
const clients = [];

const startServer = () => new Promise((resolve, reject) => {
  server = spawn(onyx, ['--data-dir', data, '-p', 'shop', 'serve', '--port', '0', '--tree', tree]);
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+) /);
    if (m) resolve(Number(m[1]));
  });
  server.on('exit', (code) => reject(new Error(`onyx serve exited (${code}): ${stderr}`)));
});

const connect = async () => {
  const client = new Client({ name: 'onyx-http-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onyx-http-'));
  tree = join(dir, 'shop');
  data = join(dir, 'data');
  cpSync(join(source, 'tests/fixtures/resolve/python'), tree, { recursive: true });
  execFileSync(onyx, ['--data-dir', data, '-p', 'shop', 'ingest', tree]);
  port = await startServer();
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  if (server.exitCode === null) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

// A raw HTTP exchange (node:http lets a test set Host and Origin freely).
const raw = (method, { headers = {}, body } = {}) => new Promise((resolve, reject) => {
  const req = httpRequest({ host: '127.0.0.1', port, path: '/mcp', method, headers }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c) => { text += c; });
    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text,
      json: () => JSON.parse(text) }));
  });
  req.on('error', reject);
  if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
  req.end();
});

const jsonHeaders = { 'content-type': 'application/json',
  accept: 'application/json, text/event-stream' };

const structured = (result) => {
  assert.equal(result.isError ?? false, false, JSON.stringify(result.content));
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  return result.structuredContent;
};

test('the SDK client initializes a session and calls every tool over HTTP', async () => {
  const { client, transport } = await connect();
  assert.match(transport.sessionId, /^[0-9a-f]{32}$/);  // 128 random bits
  assert.equal(client.getServerVersion().name, 'onyx');
  const { tools } = await client.listTools();
  assert.equal(tools.length, 11);
  const call = async (name, args) => structured(await client.callTool({ name, arguments: args }));

  const hits = await call('search_code', { query: 'cart total', k: 3 });
  assert.equal(hits.revision, 1);
  assert.ok(hits.hits.some((h) => h.qualified_name.startsWith('shop.cart')));
  const symbol = await call('get_symbol', { name: 'shop.pricing.total' });
  assert.match(symbol.source, /return subtotal\(items\)/);
  const callers = await call('neighbors',
    { name: 'shop.pricing.subtotal', direction: 'in', edge_kinds: ['calls'] });
  assert.deepEqual(callers.results.map((r) => r.node.qualified_name).sort(),
    ['shop.cart.Cart.cheap_total', 'shop.pricing.total']);
  const impact = await call('impact', { name: 'shop.pricing.subtotal', depth: 1 });
  assert.ok(impact.results.some((r) => r.node.qualified_name === 'shop.pricing.total'));
  const tests = await call('tests_for', { name: 'shop.cart.Cart' });
  assert.deepEqual(tests.results.map((r) => r.node.qualified_name).sort(),
    ['tests.test_cart.TestCart.test_add', 'tests.test_cart.test_total']);
  const history = await call('symbol_history', { name: 'shop.pricing.total' });
  assert.deepEqual(history.versions.map((v) => v.changes), [['added']]);
  assert.equal((await call('index_status', {})).stale, false);

  // Revision 2 over HTTP, with progress streamed as server-sent events.
  writeFileSync(join(tree, 'shop/extra.py'), 'def extra():\n    return 1\n');
  const progress = [];
  const ingested = structured(await client.callTool({ name: 'ingest', arguments: {} }, undefined,
    { onprogress: (p) => progress.push(p) }));
  assert.equal(ingested.revision, 2);
  assert.ok(progress.length >= 1);
  const diff = await call('diff', { from: '1' });
  assert.equal(diff.to, 2);
  assert.ok(diff.counts.added >= 1);

  const kept = await call('remember', { text: 'extra() is a placeholder', about: ['shop.extra.extra'] });
  assert.equal(kept.revision, 3);
  const recalled = await call('recall', { query: 'placeholder' });
  assert.equal(recalled.notes[0].id, kept.note.id);
  assert.equal(recalled.notes[0].stale, false);

  await assert.rejects(client.callTool({ name: 'impact', arguments: { name: 'x', depth: 99 } }),
    (e) => e instanceof McpError && e.code === -32602 && /'depth'/.test(e.message));
});

test('session rules: 400 without a session, 404 for an unknown one, DELETE ends it, GET is 405', async () => {
  const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
  const missing = await raw('POST', { headers: jsonHeaders, body: list });
  assert.equal(missing.status, 400);
  assert.equal(missing.json().error.code, -32600);
  const unknown = await raw('POST', { headers: { ...jsonHeaders, 'mcp-session-id': 'f'.repeat(32) },
    body: list });
  assert.equal(unknown.status, 404);

  const init = await raw('POST', { headers: jsonHeaders, body: { jsonrpc: '2.0', id: 0,
    method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {},
      clientInfo: { name: 'raw', version: '1' } } } });
  assert.equal(init.status, 200);
  assert.equal(init.json().result.protocolVersion, '2025-06-18');
  const session = init.headers['mcp-session-id'];
  assert.match(session, /^[0-9a-f]{32}$/);
  const withSession = { ...jsonHeaders, 'mcp-session-id': session };
  const note = await raw('POST', { headers: withSession,
    body: { jsonrpc: '2.0', method: 'notifications/initialized' } });
  assert.equal(note.status, 202);
  assert.equal(note.text, '');
  const badVersion = await raw('POST', { headers: { ...withSession, 'mcp-protocol-version': '1999-01-01' },
    body: list });
  assert.equal(badVersion.status, 400);
  const ok = await raw('POST', { headers: { ...withSession, 'mcp-protocol-version': '2025-06-18' },
    body: list });
  assert.equal(ok.status, 200);
  assert.equal(ok.json().result.tools.length, 11);

  assert.equal((await raw('GET', { headers: { accept: 'text/event-stream', 'mcp-session-id': session } })).status, 405);
  assert.equal((await raw('DELETE', { headers: { 'mcp-session-id': session } })).status, 204);
  assert.equal((await raw('POST', { headers: withSession, body: list })).status, 404);
  assert.equal((await raw('DELETE', { headers: { 'mcp-session-id': session } })).status, 404);
});

test('malformed and oversize requests get the right error, and the server keeps serving', async () => {
  const parse = await raw('POST', { headers: jsonHeaders, body: '{not json' });
  assert.equal(parse.status, 400);
  assert.equal(parse.json().error.code, -32700);
  const deep = await raw('POST', { headers: jsonHeaders, body: '['.repeat(200) + ']'.repeat(200) });
  assert.equal(deep.status, 400);
  const batch = await raw('POST', { headers: jsonHeaders, body: [{ jsonrpc: '2.0', id: 1, method: 'ping' }] });
  assert.equal(batch.status, 400);
  const type = await raw('POST', { headers: { ...jsonHeaders, 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(type.status, 415);
  assert.equal(type.headers['content-type'], 'application/problem+json');
  const accept = await raw('POST', { headers: { ...jsonHeaders, accept: 'text/html' }, body: '{}' });
  assert.equal(accept.status, 406);
  const big = await raw('POST', { headers: jsonHeaders, body: `"${'x'.repeat(5 << 20)}"` }).catch((e) => e);
  // The server answers 413 and closes; a client still writing may see the reset instead.
  assert.ok(big.status === 413 || big.code === 'ECONNRESET' || big.code === 'EPIPE', String(big.status ?? big.code));
  const health = await fetch(`http://127.0.0.1:${port}/health/live`);
  assert.equal(health.status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/nowhere`)).status, 404);
});

test('DNS rebinding: a foreign Host or Origin gets 403; local ones pass', async () => {
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
  const foreignHost = await raw('POST', { headers: { ...jsonHeaders, host: 'evil.example' }, body: init });
  assert.equal(foreignHost.status, 403);
  const foreignOrigin = await raw('POST', { headers: { ...jsonHeaders, origin: 'https://evil.example' }, body: init });
  assert.equal(foreignOrigin.status, 403);
  const nullOrigin = await raw('POST', { headers: { ...jsonHeaders, origin: 'null' }, body: init });
  assert.equal(nullOrigin.status, 403);
  const localOrigin = await raw('POST', { headers: { ...jsonHeaders, origin: `http://localhost:${port}` }, body: init });
  assert.equal(localOrigin.status, 200);
  const localHost = await raw('POST', { headers: { ...jsonHeaders, host: `localhost:${port}` }, body: init });
  assert.equal(localHost.status, 200);
});

test('stateless 2026-07-28 requests: server/discover, _meta and header checks', async () => {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {} };
  const headers = (method, name) => ({ ...jsonHeaders, 'mcp-protocol-version': '2026-07-28',
    'mcp-method': method, ...(name ? { 'mcp-name': name } : {}) });

  const discover = await raw('POST', { headers: headers('server/discover'),
    body: { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: meta } } });
  assert.equal(discover.status, 200);
  const found = discover.json().result;
  assert.deepEqual(found.supportedVersions, ['2026-07-28', '2025-11-25', '2025-06-18']);
  assert.ok(found.capabilities.tools);
  assert.equal(found.resultType, 'complete');
  assert.equal(found._meta['io.modelcontextprotocol/serverInfo'].name, 'onyx');
  assert.equal(discover.headers['mcp-session-id'], undefined);  // no session in this era

  const callBody = { jsonrpc: '2.0', id: 2, method: 'tools/call',
    params: { name: 'get_symbol', arguments: { name: 'shop.pricing.subtotal' }, _meta: meta } };
  const called = await raw('POST', { headers: headers('tools/call', 'get_symbol'), body: callBody });
  assert.equal(called.status, 200);
  assert.equal(called.json().result.resultType, 'complete');
  assert.equal(called.json().result.structuredContent.qualified_name, 'shop.pricing.subtotal');
  // Header values that are not plain ASCII come base64-encoded.
  const encoded = `=?base64?${Buffer.from('get_symbol').toString('base64')}?=`;
  assert.equal((await raw('POST', { headers: headers('tools/call', encoded), body: callBody })).status, 200);

  const mismatch = await raw('POST', { headers: headers('tools/call', 'impact'), body: callBody });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.json().error.code, -32020);
  assert.equal(mismatch.json().id, 2);
  const noMethod = await raw('POST', { headers: { ...headers('tools/list'), 'mcp-method': 'ping' },
    body: { jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: meta } } });
  assert.equal(noMethod.json().error.code, -32020);
  const oldVersion = await raw('POST', { headers: { ...headers('tools/list'), 'mcp-protocol-version': '2027-01-01' },
    body: { jsonrpc: '2.0', id: 4, method: 'tools/list',
      params: { _meta: { ...meta, 'io.modelcontextprotocol/protocolVersion': '2027-01-01' } } } });
  assert.equal(oldVersion.status, 400);
  assert.equal(oldVersion.json().error.code, -32022);
  assert.ok(oldVersion.json().error.data.supported.includes('2026-07-28'));
  const noCapabilities = await raw('POST', { headers: headers('tools/list'),
    body: { jsonrpc: '2.0', id: 5, method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } } });
  assert.equal(noCapabilities.status, 400);
  assert.equal(noCapabilities.json().error.code, -32602);
  const unknown = await raw('POST', { headers: headers('prompts/list'),
    body: { jsonrpc: '2.0', id: 6, method: 'prompts/list', params: { _meta: meta } } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json().error.code, -32601);
});

test('50 clients call tools at once while an ingest runs: consistent answers, no errors', async () => {
  const { client: writer } = await connect();
  const before = (await writer.listTools()).tools;
  const readers = await Promise.all(Array.from({ length: 50 }, () => connect()));
  // The ingest changes what subtotal's callers are: total stops calling it.
  writeFileSync(join(tree, 'shop/pricing.py'),
    'TAX_RATE = 0.2\n\n\ndef subtotal(items):\n    return sum(item.price for item in items)\n\n\n' +
    'def total(items):\n    return sum(items) * (1 + TAX_RATE)\n');
  const ingest = writer.callTool({ name: 'ingest', arguments: {} });
  const answers = await Promise.all(readers.map(async ({ client }) => {
    const impact = structured(await client.callTool({ name: 'impact',
      arguments: { name: 'shop.pricing.subtotal', depth: 1 } }));
    const symbol = structured(await client.callTool({ name: 'get_symbol',
      arguments: { name: 'shop.pricing.total' } }));
    const search = structured(await client.callTool({ name: 'search_code',
      arguments: { query: 'subtotal', k: 5 } }));
    return { impact, symbol, search };
  }));
  const done = structured(await ingest);
  assert.equal(done.revision, 4);
  // Every answer is that of one revision, and all answers of a revision agree.
  const byRevision = new Map();
  for (const { impact, symbol, search } of answers) {
    const context = JSON.stringify({ impact, symbol, search: search.hits.length });
    assert.ok([3, 4].includes(impact.revision), context);
    const callers = impact.results.map((r) => r.node.qualified_name).sort();
    assert.equal(callers.includes('shop.pricing.total'), impact.revision === 3, context);
    const seen = byRevision.get(impact.revision);
    if (seen) assert.deepEqual(callers, seen, context);
    else byRevision.set(impact.revision, callers);
    assert.match(symbol.source, symbol.revision === 3 ? /subtotal\(items\)/ : /sum\(items\)/, context);
    assert.equal(search.hits.length, 5, context);
  }
  const after = await readers[0].client.callTool({ name: 'impact',
    arguments: { name: 'shop.pricing.subtotal', depth: 1 } });
  assert.equal(structured(after).revision, 4);
  // The tool list is the same after an ingest.
  assert.deepEqual((await writer.listTools()).tools, before);
});

test('the MCP Inspector CLI lists the tools and calls one', async () => {
  const inspector = join(here, 'node_modules/.bin/mcp-inspector');
  const run = promisify(execFile);
  const url = `http://127.0.0.1:${port}/mcp`;
  const list = await run(inspector, ['--cli', url, '--transport', 'http', '--method', 'tools/list'],
    { timeout: 60000 });
  const names = JSON.parse(list.stdout).tools.map((t) => t.name);
  assert.ok(names.includes('impact') && names.includes('recall'), names.join(','));
  const called = await run(inspector, ['--cli', url, '--transport', 'http', '--method', 'tools/call',
    '--tool-name', 'tests_for', '--tool-arg', 'name=shop.cart.Cart', 'depth=2'], { timeout: 60000 });
  const result = JSON.parse(called.stdout);
  assert.equal(result.isError ?? false, false, called.stdout);
  assert.deepEqual(result.structuredContent.results.map((r) => r.node.qualified_name).sort(),
    ['tests.test_cart.TestCart.test_add', 'tests.test_cart.test_total']);
});

test('SIGTERM: the server finishes, exits 0, and leaves the store usable', async () => {
  server.removeAllListeners('exit');
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /SIGTERM/);
  // The store's lock is released and every acknowledged revision is there.
  const stats = JSON.parse(execFileSync(onyx, ['--data-dir', data, '-p', 'shop', 'stats', '--json']));
  assert.equal(stats.revision, 4);
  assert.equal(stats.edges.about, 1);
});
