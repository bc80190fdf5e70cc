// A second, non-VS Code client: drives the language server with plain LSP through vscode-languageserver-protocol
// (the protocol library only, no VS Code API, no Learning Mechanics extension methods). It declares no pull-diagnostics
// support, so diagnostics must arrive as textDocument/publishDiagnostics, as an editor like Vim or Emacs would see them.
//
// Checks: hover on Linear(784, 128) in samples/Mlp3.cs shows 100,480; samples/DeepReluDefaultInit.cs gets a pushed
// vanishing-signal warning; Mlp3.cs has a code lens with "params"; a quick fix is offered on the fc1 field; the server
// ends with exit code 0 after shutdown + exit. The last line is "<n> passed, <m> failed".
//
// Usage: node tests/lsp-client/run.mjs [server.dll]   (default: the Release build; LM_LSP_SERVER also works)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER = process.argv[2] ?? process.env.LM_LSP_SERVER
  ?? path.join(REPO, 'server', 'LearningMechanics.Server', 'bin', 'Release', 'net10.0', 'linux-x64', 'LearningMechanics.Server.dll');
const SAMPLES = path.join(REPO, 'samples');
const TIMEOUT_MS = 60_000;

const results = [];
async function check(name, body) {
  const started = Date.now();
  try {
    const detail = await body();
    results.push({ name, passed: true });
    console.log(`PASS ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    results.push({ name, passed: false });
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : error}`);
  }
}

function finish(code) {
  const passed = results.filter(r => r.passed).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(code ?? (passed === results.length && passed > 0 ? 0 : 1));
}

if (!fs.existsSync(SERVER)) {
  console.log(`server not built: ${SERVER} (dotnet build server/LearningMechanics.Server -c Release)`);
  results.push({ name: 'server exists', passed: false });
  finish(1);
}

const server = spawn('dotnet', [SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)));
const exited = new Promise(resolve => server.on('exit', code => resolve(code)));
const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
const published = new Map();
const waiters = [];
connection.onNotification('textDocument/publishDiagnostics', params => {
  published.set(params.uri, params.diagnostics);
  waiters.splice(0).forEach(wake => wake());
});
connection.onNotification(() => undefined); // window/logMessage, $/progress and others: not needed here.
connection.onRequest(() => null); // Any server-to-client request (none are expected without the capabilities).
connection.listen();
const budget = setTimeout(() => {
  console.log(`ERROR the run exceeded ${(2 * TIMEOUT_MS) / 1000} s; server stderr tail:\n${stderr}`);
  server.kill();
  finish(1);
}, 2 * TIMEOUT_MS);

function open(file) {
  const text = fs.readFileSync(path.join(SAMPLES, file), 'utf8');
  const uri = pathToFileURL(path.join(SAMPLES, file)).href;
  connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'csharp', version: 1, text } });
  return { uri, text };
}

function find(text, needle) {
  const lines = text.split('\n');
  const line = lines.findIndex(l => l.includes(needle));
  if (line < 0) {
    throw new Error(`"${needle}" not found`);
  }
  return { line, character: lines[line].indexOf(needle) };
}

async function diagnosticsFor(uri, accept) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const current = published.get(uri);
    if (current !== undefined && accept(current)) {
      return current;
    }
    await new Promise(resolve => {
      waiters.push(resolve);
      setTimeout(resolve, 500);
    });
  }
  throw new Error(`no matching publishDiagnostics for ${uri} within ${TIMEOUT_MS / 1000} s; last: ${JSON.stringify(published.get(uri) ?? null).slice(0, 300)}`);
}

const init = await connection.sendRequest('initialize', {
  processId: process.pid,
  rootUri: pathToFileURL(SAMPLES).href,
  capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: {}, codeLens: {}, codeAction: {} } },
  workspaceFolders: [{ uri: pathToFileURL(SAMPLES).href, name: 'samples' }],
});
connection.sendNotification('initialized', {});
await check('initialize declares hover, code lens and code actions', async () => {
  const caps = init.capabilities;
  if (!caps.hoverProvider || !caps.codeLensProvider || !caps.codeActionProvider) {
    throw new Error(`capabilities: ${JSON.stringify(caps)}`);
  }
  return `server ${init.serverInfo?.name} ${init.serverInfo?.version}`;
});

const mlp = open('Mlp3.cs');
await check('hover on Linear(784, 128) shows 100,480 parameters', async () => {
  const at = find(mlp.text, 'Linear(784, 128)');
  const hover = await connection.sendRequest('textDocument/hover', { textDocument: { uri: mlp.uri }, position: { line: at.line, character: at.character + 3 } });
  const value = hover?.contents?.value ?? '';
  if (!value.includes('100,480')) {
    throw new Error(`hover: ${JSON.stringify(value.slice(0, 300))}`);
  }
  return value.split('\n')[0];
});
await check('code lens on Mlp3.cs contains "params"', async () => {
  const lenses = await connection.sendRequest('textDocument/codeLens', { textDocument: { uri: mlp.uri } });
  const titles = (lenses ?? []).map(lens => lens.command?.title ?? '');
  if (!titles.some(title => title.includes('params'))) {
    throw new Error(`lenses: ${JSON.stringify(titles)}`);
  }
  return titles[0];
});

const deep = open('DeepReluDefaultInit.cs');
await check('pushed diagnostics for DeepReluDefaultInit.cs include a vanishing-signal warning', async () => {
  const diagnostics = await diagnosticsFor(deep.uri, list => list.some(d => d.code === 'vanishing-signal'));
  const warning = diagnostics.find(d => d.code === 'vanishing-signal');
  if (warning.severity !== 2) {
    throw new Error(`severity ${warning.severity}, expected 2 (warning)`);
  }
  return warning.message.slice(0, 120);
});
await check('a quick fix is offered on the fc1 field', async () => {
  const at = find(deep.text, 'Linear fc1 = ');
  const actions = await connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: deep.uri },
    range: { start: at, end: at },
    context: { diagnostics: [] },
  });
  const titles = (actions ?? []).map(action => action.title);
  if (!titles.some(title => title.startsWith('Use critical initialisation'))) {
    throw new Error(`actions: ${JSON.stringify(titles)}`);
  }
  return titles[0];
});
await check('closing a document clears its pushed diagnostics', async () => {
  connection.sendNotification('textDocument/didClose', { textDocument: { uri: deep.uri } });
  await diagnosticsFor(deep.uri, list => list.length === 0);
});

await check('shutdown + exit ends the server with code 0', async () => {
  await connection.sendRequest('shutdown');
  connection.sendNotification('exit');
  const code = await Promise.race([exited, new Promise(resolve => setTimeout(() => resolve('timeout'), 10_000))]);
  if (code !== 0) {
    throw new Error(`exit code ${code}`);
  }
});
clearTimeout(budget);
connection.dispose();
finish();
