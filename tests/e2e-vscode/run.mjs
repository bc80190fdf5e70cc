// End-to-end test of the packaged extension in a real VS Code (code-server) driven by headless Chromium.
//
// It installs artifacts/learning-mechanics.vsix into a fresh code-server, opens samples/ as the workspace and
// checks what a user sees: (a) a hover over `Linear(784, 128)` in Mlp3.cs that contains "100,480",
// (b) a warning squiggle in DeepReluDefaultInit.cs, (c) a code lens containing "params" in Mlp3.cs,
// (d) clicking the lens's "Validate" runs the server's learningMechanics.validate and shows its per-model summary
// (the trainer is not bundled in the vsix; the repository's trainer build is used when it exists, see TRAINER below),
// (e) a progress notification shows while that validation runs, (f) the report webview opens after it with the
// predicted and measured q curves, (g) a code action applied in DeepReluDefaultInit.cs changes the file text,
// (h) samples/onnx/mlp.onnx opens in the ONNX custom editor with its per-layer table, (i) turning
// learningMechanics.codeLens.enable off in the settings removes the code lenses from Mlp3.cs, (j) the report's charts
// after validation (loss curve, q and gradient by depth, phase diagram; one screenshot each), (k) "Learning Mechanics:
// Run LR Range Test" from the palette shows one progress toast, its result and the LR range chart, (l) the critical-init
// code action on a layer inside Sequential(...) in DeepTanh.cs writes the init loop, (m) "Validate model" from the palette
// on DeepReluDefaultInit.cs draws the loss chart with measured and predicted curves. Check (e) also fails when two
// progress toasts show at once for one run.
// The last line printed is always "<n> passed, <m> failed"; the exit code is 0 only when nothing failed.
//
// Prerequisites (scripts/e2e-vscode.sh installs them): Node 24 and code-server 4.139.1 under .tools/,
// Debian's /usr/bin/chromium, playwright-core from the root package.json, dotnet on PATH.
//
// Environment overrides (all optional):
//   LM_E2E_VSIX       the vsix to install            (default artifacts/learning-mechanics.vsix)
//   LM_E2E_WORKSPACE  the folder to open              (default samples/)
//   LM_E2E_SETTINGS   JSON merged into the user and the remote-machine settings
//                     (e.g. {"learningMechanics.server.path": "..."})
//   LM_E2E_TIMEOUT_S  budget for the whole run        (default 420)
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const OUTPUT = path.join(HERE, 'output');
const NODE24 = path.join(REPO, '.tools', 'node24', 'node_modules', 'node', 'bin', 'node');
const CODE_SERVER = path.join(REPO, '.tools', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = '/usr/bin/chromium';
const VSIX = path.resolve(process.env.LM_E2E_VSIX ?? path.join(REPO, 'artifacts', 'learning-mechanics.vsix'));
const WORKSPACE = path.resolve(process.env.LM_E2E_WORKSPACE ?? path.join(REPO, 'samples'));
const EXTRA_SETTINGS = JSON.parse(process.env.LM_E2E_SETTINGS ?? '{}');
const RUN_BUDGET_MS = Number(process.env.LM_E2E_TIMEOUT_S ?? 420) * 1000;
/** The repository's trainer build, if any: with it, check (f) shows measured as well as predicted q. */
const TRAINER = ['Release', 'Debug']
  .map(configuration => path.join(REPO, 'server', 'LearningMechanics.Trainer', 'bin', configuration, 'net10.0', 'linux-x64', 'LearningMechanics.Trainer.dll'))
  .find(file => fs.existsSync(file));
/** How long one check waits for the server's answer to show up (the first answer includes server start-up). */
const CHECK_TIMEOUT_MS = 60_000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = message => console.log(`[e2e ${elapsed()}] ${message}`);

/** The checks in the order they are reported; `run` is filled in below, `passed` after running. */
const checks = [
  { name: '(a) hover over Linear(784, 128) in Mlp3.cs contains "100,480"', passed: false },
  { name: '(b) warning squiggle in DeepReluDefaultInit.cs', passed: false },
  { name: '(c) code lens containing "params" in Mlp3.cs', passed: false },
  { name: '(d) clicking the Validate lens in Mlp3.cs shows the server\'s validation summary', passed: false },
  { name: '(e) a progress notification shows while the validation runs', passed: false },
  { name: '(f) the report webview opens after validation with predicted and measured q curves', passed: false },
  { name: '(g) the code action "Use critical initialisation" changes the text of DeepReluDefaultInit.cs', passed: false },
  { name: '(h) samples/onnx/mlp.onnx opens in the ONNX custom editor with its per-layer table', passed: false },
  { name: '(i) turning learningMechanics.codeLens.enable off removes the code lenses', passed: false },
  { name: '(j) the report shows the loss-curve, gradient-by-depth and phase-diagram charts after validation', passed: false },
  { name: '(k) "Run LR Range Test" shows one progress toast, its suggested rate and the LR range chart', passed: false },
  { name: '(l) the code action on a layer inside Sequential(...) writes the critical tanh init in DeepTanh.cs', passed: false },
  { name: '(n) the palette lists the 8 Learning Mechanics commands, the C# editor context menu has the model commands, Show server output and Restart server work', passed: false },
  { name: '(o) "Find Learning-Rate Limit" shows one progress toast and the verdict against the predicted η_crit, also in the report', passed: false },
  { name: '(m) "Validate model" from the palette on DeepReluDefaultInit.cs (MSE, SGD) gives a loss chart with measured and predicted curves', passed: false },
];
/** Filled by check (d), judged by check (e): whether the "Validating" progress toast was seen, and the most shown at once. */
const validation = { progressSeen: false, progressText: '', maxProgressToasts: 0 };

let codeServer;
let browser;
let finished = false;

/** The workspace's files as they were before the run; `finish` puts back any that an edit check managed to save. */
const originalFiles = new Map();

async function main() {
  for (const file of fs.readdirSync(WORKSPACE, { recursive: true }).map(String).filter(file => file.endsWith('.cs'))) {
    originalFiles.set(path.join(WORKSPACE, file), fs.readFileSync(path.join(WORKSPACE, file)));
  }
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  fs.mkdirSync(OUTPUT, { recursive: true });
  for (const [what, file] of [['Node 24', NODE24], ['code-server', CODE_SERVER], ['Chromium', CHROMIUM], ['the vsix', VSIX]]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${what} not found at ${file}; run scripts/e2e-vscode.sh, which installs and builds everything`);
    }
  }
  if (!fs.existsSync(WORKSPACE)) {
    throw new Error(`workspace folder ${WORKSPACE} does not exist`);
  }

  const userDataDir = path.join(OUTPUT, 'user-data');
  const extensionsDir = path.join(OUTPUT, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'editor.hover.delay': 300,
    'editor.codeLens': true,
    // code-server defaults to afterDelay; the code-action check must not save its edit into samples/.
    'files.autoSave': 'off',
    'window.restoreWindows': 'none',
    'git.openRepositoryInParentFolders': 'never',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'learningMechanics.trace.server': 'messages',
    // Bounds check (d) if a trainer is found after all (LMECH_TRAINER in the environment).
    'learningMechanics.trainer.timeoutSeconds': 60,
    ...EXTRA_SETTINGS,
  };
  if (TRAINER !== undefined && settings['learningMechanics.trainer.path'] === undefined) {
    settings['learningMechanics.trainer.path'] = TRAINER;
    EXTRA_SETTINGS['learningMechanics.trainer.path'] = TRAINER;
  }
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // code-server is a remote window: settings with "machine" scope (server.path, dotnet.path, trainer.path) are read
  // from the remote machine's settings, not from User settings (measured: LMECH_TRAINER stayed unset otherwise).
  fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(EXTRA_SETTINGS, null, 2));
  const port = await freePort();
  const configFile = path.join(OUTPUT, 'code-server.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const commonArgs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  log(`installing ${path.relative(REPO, VSIX)}`);
  const install = spawnSync(NODE24, [CODE_SERVER, ...commonArgs, '--install-extension', VSIX], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  fs.writeFileSync(path.join(OUTPUT, 'install-extension.log'), `${install.stdout}\n${install.stderr}`);
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout)) {
    throw new Error(`code-server --install-extension failed (status ${install.status}): ${install.stdout} ${install.stderr}`);
  }

  log(`starting code-server on 127.0.0.1:${port} with workspace ${WORKSPACE}`);
  const codeServerLog = fs.openSync(path.join(OUTPUT, 'code-server.log'), 'w');
  codeServer = spawn(
    NODE24,
    [
      CODE_SERVER,
      ...commonArgs,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      WORKSPACE,
    ],
    // A new process group, so that stopping it can reach every child (extension host, our language server).
    { detached: true, stdio: ['ignore', codeServerLog, codeServerLog], env: { ...process.env, XDG_CONFIG_HOME: path.join(OUTPUT, 'xdg-config') } },
  );
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  log('code-server is up');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WORKSPACE)}`, { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  log('workbench and explorer are visible');
  await screenshot(page, '00-workbench');

  await openFromExplorer(page, 'Mlp3.cs');
  await runCheck(page, checks[0], '01-hover', () => checkHover(page));
  await runCheck(page, checks[2], '02-codelens', () => checkCodeLens(page));
  await runCheck(page, checks[3], '03-validate', () => checkValidateLens(page));
  await runCheck(page, checks[4], '05-progress', async () => {
    if (!validation.progressSeen) {
      throw new Error('no "Learning Mechanics: Validating" progress notification was seen while validating');
    }
    if (validation.maxProgressToasts > 1) {
      throw new Error(`${validation.maxProgressToasts} progress notifications showed at once for one validation`);
    }
    log(`progress notification: ${validation.progressText} (at most ${validation.maxProgressToasts} at once)`);
  });
  await runCheck(page, checks[5], '06-report-chart', () => checkReportChart(page));
  await runCheck(page, checks[9], '06b-report-charts', () => checkReportCharts(page));
  await runCheck(page, checks[10], '06c-lr-range-test', () => checkLrRangeTest(page));
  await closeAllEditors(page);
  await openFromExplorer(page, 'DeepReluDefaultInit.cs');
  await runCheck(page, checks[1], '04-squiggle', () => checkWarningSquiggle(page));
  await runCheck(page, checks[6], '07-code-action', () => checkCodeAction(page));
  await runCheck(page, checks[14], '07c-validate-palette', () => checkPaletteValidateLossCurve(page));
  await closeAllEditors(page);
  await openFromExplorer(page, 'DeepTanh.cs');
  await runCheck(page, checks[11], '07b-code-action-sequential', () => checkSequentialCodeAction(page));
  await closeAllEditors(page);
  await runCheck(page, checks[7], '08-onnx-editor', () => checkOnnxEditor(page));
  await closeAllEditors(page);
  await openFromExplorer(page, 'Mlp3.cs');
  await runCheck(page, checks[8], '10-codelens-off', () => checkCodeLensSetting(page));
  await runCheck(page, checks[12], '11-commands', () => checkCommandsAndMenus(page));
  await runCheck(page, checks[13], '12-find-lr-limit', () => checkFindLrLimit(page));
}

const COMMAND_TITLES = [
  'Validate model', 'Validate all models in the workspace', 'Find Learning-Rate Limit', 'Run LR Range Test', 'Show report',
  'Cancel validation', 'Restart server', 'Show server output',
];

async function checkCommandsAndMenus(page) {
  await page.locator('.editor-group-container .tab', { hasText: 'Mlp3.cs' }).first().click();
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('>Learning Mechanics:');
  await page.waitForTimeout(1_000);
  const listed = (await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts()).map(text => text.replace(/\s+/g, ' '));
  await screenshot(page, '11-palette');
  await page.keyboard.press('Escape');
  const missing = COMMAND_TITLES.filter(title => !listed.some(row => row.includes(`Learning Mechanics: ${title}`)));
  if (missing.length > 0) {
    throw new Error(`the palette does not list: ${missing.join(', ')}; it shows ${JSON.stringify(listed)}`);
  }
  log(`palette: ${COMMAND_TITLES.length} commands listed`);

  const line = page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'Linear(784, 128)' }).first();
  await line.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu .action-label');
  await menu.first().waitFor({ timeout: 10_000 });
  const entries = await menu.allInnerTexts();
  await screenshot(page, '11-editor-context-menu');
  await page.keyboard.press('Escape');
  const wanted = ['Validate model', 'Find Learning-Rate Limit', 'Run LR Range Test', 'Show report'];
  const absent = wanted.filter(title => !entries.some(entry => entry.includes(title)));
  if (absent.length > 0) {
    throw new Error(`the C# editor context menu lacks: ${absent.join(', ')}; it shows ${JSON.stringify(entries)}`);
  }
  log(`editor context menu has ${wanted.join(', ')}`);

  await runCommand(page, 'Learning Mechanics: Show server output', true);
  const output = page.locator('.panel .monaco-editor .view-lines');
  if (!(await poll(async () => (await output.count()) > 0 && /\[info\]/.test(await output.first().innerText())))) {
    throw new Error('"Show server output" did not show the server log');
  }
  log('server output shown');
  // Restart: a second server process answers initialize and analyses the open file again (read from the extension's log).
  const starts = () => (extensionLog().match(/\[info\] initialize: /g) ?? []).length;
  const before = starts();
  await runCommand(page, 'Learning Mechanics: Restart server', true);
  if (!(await poll(async () => starts() > before && /analysed \S*Mlp3\.cs/.test(extensionLog().split('[info] initialize: ').pop())))) {
    throw new Error(`"Restart server" did not start a new server that analysed Mlp3.cs (initialize seen ${starts()} times, ${before} before)`);
  }
  log(`"Restart server": initialize ${before} -> ${starts()}, Mlp3.cs analysed again`);
}

/** The extension's "Learning Mechanics" log (the server's stderr lines), as written so far. */
function extensionLog() {
  const logsDir = path.join(OUTPUT, 'user-data', 'logs');
  if (!fs.existsSync(logsDir)) {
    return '';
  }
  return fs.readdirSync(logsDir, { recursive: true })
    .filter(file => String(file).endsWith('Learning Mechanics.log'))
    .map(file => fs.readFileSync(path.join(logsDir, String(file)), 'utf8'))
    .join('\n');
}

async function checkFindLrLimit(page) {
  await page.keyboard.press('Escape');
  await page.locator('.editor-group-container .tab', { hasText: 'Mlp3.cs' }).first().click();
  await runCommand(page, 'Learning Mechanics: Find Learning-Rate Limit', true);
  const toasts = page.locator('.notification-toast');
  let maxProgress = 0;
  let result;
  const found = await poll(async () => {
    const texts = await toasts.allInnerTexts();
    maxProgress = Math.max(maxProgress, texts.filter(text => /Finding the learning-rate limit/.test(text)).length);
    result = texts.find(text => /Learning-rate limit —/.test(text));
    return result !== undefined;
  });
  if (!found) {
    throw new Error('no learning-rate limit result notification');
  }
  log(`find LR limit: ${result.replace(/\s+/g, ' ').slice(0, 300)} (progress toasts at once: ${maxProgress})`);
  if (maxProgress > 1) {
    throw new Error(`${maxProgress} progress notifications showed at once`);
  }
  if (!/η_crit (confirmed|refuted|not scored): measured/.test(result) && !/measured limit/.test(result)) {
    throw new Error(`the result does not set the measured limit against the prediction: ${result}`);
  }
  const summary = reportFrame(page).locator('section.model dl');
  if (!(await poll(async () => (await summary.count()) > 0 && /learning-rate limit/.test(await summary.first().innerText())))) {
    throw new Error('the report does not show the learning-rate limit');
  }
}

async function checkReportChart(page) {
  // The client opens the report beside the editor once validation returns; code-server nests the page in
  // iframe.webview > iframe#active-frame.
  const frame = reportFrame(page);
  const legend = frame.locator('[data-chart="q"] .u-legend');
  const found = await poll(async () => (await legend.count()) > 0 && /predicted q/.test((await legend.first().innerText()).replace(/\s+/g, ' ')));
  if (!found) {
    throw new Error('no chart with a "predicted q" series in the report webview');
  }
  const labels = await frame.locator('[data-chart="q"] .u-legend .u-series .u-label').allInnerTexts();
  const text = labels.join(' | ');
  // With a static legend uPlot lists only the y series, one per curve.
  const curves = labels.filter(label => / q/.test(label)).length;
  log(`report legend: ${text} (${curves} curves)`);
  if (TRAINER !== undefined && !/measured q/.test(text)) {
    throw new Error(`the chart has no measured curve although a trainer was configured (${TRAINER}); legend: ${text}`);
  }
  if (curves < 2) {
    throw new Error(`expected two curves (predicted and measured), legend shows: ${text}`);
  }
}

function reportFrame(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Each chart of the report as its own screenshot; the legend names which curves it drew. */
async function checkReportCharts(page) {
  const frame = reportFrame(page);
  const expected = { loss: /measured loss/, gradient: /predicted[\s\S]*measured/, phase: /critical line[\s\S]*this model/ };
  for (const [id, legendPattern] of Object.entries(expected)) {
    const chart = frame.locator(`[data-chart="${id}"]`);
    if (!(await poll(async () => (await chart.locator('canvas').count()) > 0))) {
      throw new Error(`the report has no "${id}" chart`);
    }
    const legend = (await chart.locator('.u-legend').innerText()).replace(/\s+/g, ' ');
    if (!legendPattern.test(legend)) {
      throw new Error(`the "${id}" chart's legend is "${legend}", expected ${legendPattern}`);
    }
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: path.join(OUTPUT, `06b-chart-${id}.png`) });
    log(`chart ${id}: ${legend}`);
  }
}

async function checkPaletteValidateLossCurve(page) {
  await page.locator('.editor-group-container .tab', { hasText: 'DeepReluDefaultInit.cs' }).first().click();
  // Fuzzy matching also offers "Validate all models in the workspace", possibly first: pick the exact row.
  await runCommand(page, 'Learning Mechanics: Validate model', true);
  const chart = reportFrame(page).locator('[data-chart="loss"]');
  const legendText = async () => ((await chart.locator('.u-legend').count()) > 0 ? (await chart.locator('.u-legend').innerText()).replace(/\s+/g, ' ') : '');
  if (!(await poll(async () => /measured loss/.test(await legendText()) && /predicted loss/.test(await legendText())))) {
    throw new Error(`no loss chart with measured and predicted curves; legend: "${await legendText()}"`);
  }
  await chart.scrollIntoViewIfNeeded();
  await chart.screenshot({ path: path.join(OUTPUT, '07c-chart-loss-predicted-measured.png') });
  log(`loss chart: ${await legendText()}`);
}

async function checkLrRangeTest(page) {
  await page.locator('.editor-group-container .tab', { hasText: 'Mlp3.cs' }).first().click();
  await runCommand(page, 'Learning Mechanics: Run LR Range Test', true);
  const toasts = page.locator('.notification-toast');
  let progressSeen = false;
  let maxProgress = 0;
  let result;
  const found = await poll(async () => {
    const texts = await toasts.allInnerTexts();
    const progress = texts.filter(text => /LR range test/i.test(text) && /Running/.test(text));
    progressSeen ||= progress.length > 0;
    maxProgress = Math.max(maxProgress, progress.length);
    result = texts.find(text => /LR range test —/.test(text));
    return result !== undefined;
  });
  if (!found) {
    throw new Error('no LR range test result notification');
  }
  log(`LR range test: ${result.replace(/\s+/g, ' ').slice(0, 300)} (progress toasts at once: ${maxProgress})`);
  if (maxProgress > 1) {
    throw new Error(`${maxProgress} progress notifications showed at once for one LR range test`);
  }
  const chart = reportFrame(page).locator('[data-chart="lr-range"]');
  if (!(await poll(async () => (await chart.locator('canvas').count()) > 0))) {
    throw new Error('the report has no LR range chart after the test');
  }
  const legend = (await chart.locator('.u-legend').innerText()).replace(/\s+/g, ' ');
  if (!/suggested rate/.test(legend)) {
    throw new Error(`the LR range chart does not mark the suggested rate; legend: ${legend}`);
  }
  await chart.scrollIntoViewIfNeeded();
  await chart.screenshot({ path: path.join(OUTPUT, '06c-chart-lr-range.png') });
}

async function checkSequentialCodeAction(page) {
  const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  const line = editor.locator('.view-line', { hasText: 'Linear(64, width)' }).first();
  const item = page.locator('.action-widget .action-item, .action-widget .monaco-list-row', { hasText: 'Use critical initialisation' });
  const shown = await poll(async () => {
    await page.keyboard.press('Escape');
    await line.click();
    await page.keyboard.press('Control+Period');
    await page.waitForTimeout(1_000);
    return (await item.count()) > 0;
  });
  if (!shown) {
    throw new Error(`the quick-fix menu never offered "Use critical initialisation" on a layer inside Sequential: ${JSON.stringify(await page.locator('.action-widget').allInnerTexts())}`);
  }
  log(`offered: ${(await item.first().innerText()).replace(/\s+/g, ' ')}`);
  await item.first().click();
  const changed = await poll(async () => (await editor.innerText()).replace(/\u00a0/g, ' ').includes('kaiming_normal_(linear.weight, a: 1)'));
  if (!changed) {
    throw new Error('the editor text does not contain "kaiming_normal_(linear.weight, a: 1)" after the code action');
  }
  await screenshot(page, '07b-code-action-sequential-applied');
  await page.keyboard.press('Control+z');
  await poll(async () => !(await editor.innerText()).includes('kaiming_normal_(linear.weight'));
}

async function checkCodeAction(page) {
  const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  const line = editor.locator('.view-line', { hasText: 'Linear fc1 = ' }).first();
  await line.click();
  await page.keyboard.press('End');
  const item = page.locator('.action-widget .action-item, .action-widget .monaco-list-row', { hasText: 'Use critical initialisation' });
  const shown = await poll(async () => {
    if ((await item.count()) > 0) {
      return true;
    }
    await page.keyboard.press('Escape');
    await line.click();
    await page.keyboard.press('Control+Period');
    await page.waitForTimeout(1_000);
    return (await item.count()) > 0;
  });
  if (!shown) {
    const offered = await page.locator('.action-widget').allInnerTexts();
    throw new Error(`the quick-fix menu never offered "Use critical initialisation"; it showed: ${JSON.stringify(offered)}`);
  }
  await item.first().click();
  const changed = await poll(async () => (await editor.innerText()).replace(/\u00a0/g, ' ').includes('init.kaiming_normal_(fc1.weight'));
  if (!changed) {
    throw new Error('the editor text does not contain "init.kaiming_normal_(fc1.weight" after the code action');
  }
  log('code action inserted init.kaiming_normal_(fc1.weight, nonlinearity: init.NonlinearityType.ReLU)');
  await screenshot(page, '07-code-action-applied');
  // Undo, so that the file is clean again and closing it asks nothing (the sample must not change on disk).
  await page.keyboard.press('Control+z');
  await poll(async () => !(await editor.innerText()).includes('kaiming_normal_(fc1.weight'));
}

async function checkOnnxEditor(page) {
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^onnx$/ }) }).first();
  if ((await folder.getAttribute('aria-expanded')) !== 'true') {
    await folder.click();
  }
  await openFromExplorer(page, 'mlp.onnx', false);
  const frame = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  const rows = frame.locator('section.model table tbody tr');
  if (!(await poll(async () => (await rows.count()) > 0))) {
    const text = await frame.locator('#root').innerText().catch(() => '(no webview content)');
    throw new Error(`the ONNX editor shows no layer rows; it shows: ${text.slice(0, 300)}`);
  }
  const heading = await frame.locator('h1').first().innerText();
  const summary = (await frame.locator('dl').first().innerText()).replace(/\s+/g, ' ');
  log(`ONNX editor: "${heading}", ${await rows.count()} layer rows; ${summary.slice(0, 200)}`);
  if (!/mlp\.onnx/.test(heading)) {
    throw new Error(`the custom editor's heading is "${heading}", not the ONNX report`);
  }
}

async function checkCodeLensSetting(page) {
  const lenses = page.locator('.editor-group-container.active .monaco-editor .codelens-decoration');
  if (!(await poll(async () => (await lenses.count()) > 0))) {
    throw new Error('Mlp3.cs shows no code lens before the setting is turned off');
  }
  // As a user would: the Settings editor, search for the setting, untick it, back to Mlp3.cs.
  await runCommand(page, 'Preferences: Open User Settings');
  const editor = page.locator('.settings-editor');
  await editor.waitFor({ timeout: 20_000 });
  await page.keyboard.type('learningMechanics.codeLens.enable');
  // Only our setting's checkbox: until the search settles, the editor lists other settings (Format On Save first).
  const checkbox = editor.locator('.setting-item-bool', { hasText: 'Show code lenses (on/off)' }).locator('.setting-value-checkbox').first();
  await checkbox.waitFor({ timeout: 20_000 });
  // The list re-renders while the search settles, so a click can land on a replaced element: retry until it sticks.
  const unticked = await poll(async () => {
    if ((await checkbox.getAttribute('aria-checked')) === 'false') {
      return true;
    }
    await checkbox.click();
    await page.waitForTimeout(1_000);
    return (await checkbox.getAttribute('aria-checked')) === 'false';
  });
  await screenshot(page, '09-settings');
  if (!unticked) {
    throw new Error('could not untick learningMechanics.codeLens.enable in the Settings editor');
  }
  // The Settings editor may be a modal over Mlp3.cs: count the lenses anywhere on the page (only Mlp3.cs is open).
  const allLenses = page.locator('.monaco-editor .codelens-decoration');
  const gone = await poll(async () => (await allLenses.count()) === 0);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  if (!gone) {
    throw new Error(`code lenses still shown after turning learningMechanics.codeLens.enable off: ${JSON.stringify(await allLenses.allInnerTexts())}`);
  }
  log('code lenses gone after learningMechanics.codeLens.enable = false');
}

async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(500);
}

/** Runs a palette command; `click` picks the row with that title instead of the first (highlighted) match. */
async function runCommand(page, title, click = false) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  // The palette can close again before it is typed into when focus moves (a notification or the output view taking it on a
  // loaded machine: CI of 090fcb5 timed out in fill); open it again, up to three times.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('Control+Shift+P');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      await row.waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 3) {
        throw error;
      }
      log(`command palette attempt ${attempt} for "${title}" failed (${String(error.message ?? error).split('\n')[0]}); opening it again`);
      await page.keyboard.press('Escape');
    }
  }
  if (click) {
    await row.click();
  } else {
    await page.keyboard.press('Enter');
  }
  await page.waitForTimeout(300);
}

async function checkHover(page) {
  const needle = 'Linear(784, 128)';
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  let lastText = '';
  while (Date.now() < deadline) {
    // Point at the middle of "Linear" in the first line that contains the needle.
    const point = await page.evaluate(text => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      const line = [...(editor?.querySelectorAll('.view-line') ?? [])].find(element =>
        element.textContent.replace(/\u00a0/g, ' ').includes(text),
      );
      if (!line) {
        return null;
      }
      const targetIdx = line.textContent.replace(/\u00a0/g, ' ').indexOf(text) + 3;
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let offset = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent.length;
        if (offset <= targetIdx && targetIdx < offset + length) {
          const range = document.createRange();
          range.setStart(node, targetIdx - offset);
          range.setEnd(node, targetIdx - offset + 1);
          const rect = range.getBoundingClientRect();
          return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
        }
        offset += length;
      }
      return null;
    }, needle);
    if (point === null) {
      throw new Error(`no line containing "${needle}" is visible in the editor`);
    }
    await page.mouse.move(point.x + 40, point.y + 200);
    await page.waitForTimeout(200);
    await page.mouse.move(point.x, point.y);
    await page.mouse.move(point.x + 1, point.y);
    const hover = page.locator('.monaco-hover-content');
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 5_000 });
      // The hover widget can show "Loading..." first; give the server's answer a moment.
      await page.waitForTimeout(500);
      lastText = (await hover.allInnerTexts()).join('\n');
      if (lastText.includes('100,480')) {
        log(`hover text: ${lastText.replace(/\s+/g, ' ').slice(0, 300)}`);
        return;
      }
    } catch {
      // No hover yet: the server may still be starting. Move away and try again.
    }
    throwIfServerFailed();
  }
  throw new Error(`hover never contained "100,480"; last hover text: ${JSON.stringify(lastText.slice(0, 500))}`);
}

async function checkCodeLens(page) {
  // Close the hover from check (a) so that the screenshot shows the lenses.
  await page.keyboard.press('Escape');
  await page.mouse.move(1, 1);
  const lenses = page.locator('.editor-group-container.active .monaco-editor .codelens-decoration');
  const found = await poll(async () => (await lenses.filter({ hasText: 'params' }).count()) > 0);
  const texts = await lenses.allInnerTexts();
  if (!found) {
    throw new Error(`no code lens contains "params" after ${CHECK_TIMEOUT_MS / 1000}s; lenses seen: ${JSON.stringify(texts)}`);
  }
  log(`code lenses: ${JSON.stringify(texts)}`);
}

async function checkValidateLens(page) {
  const lens = page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a', { hasText: 'Validate' });
  if (!(await poll(async () => (await lens.count()) > 0))) {
    throw new Error('no "Validate" code lens in Mlp3.cs');
  }
  await lens.first().click();
  const toasts = page.locator('.notification-toast');
  let summary;
  const found = await poll(async () => {
    const texts = await toasts.allInnerTexts();
    // VS Code's own toasts for a broken command registration: fail at once rather than wait.
    const broken = texts.find(text => /command '.*' not found|already exists|validation failed:|server is not running/.test(text));
    if (broken) {
      throw new Error(`validate failed: ${broken.replace(/\s+/g, ' ')}`);
    }
    // The progress toast says "Learning Mechanics: Validating ..."; the result toast is any other one of ours.
    const progress = texts.find(text => /Learning Mechanics: Validating/.test(text));
    validation.maxProgressToasts = Math.max(validation.maxProgressToasts, texts.filter(text => /Validating/.test(text)).length);
    if (progress !== undefined && !validation.progressSeen) {
      validation.progressSeen = true;
      validation.progressText = progress.replace(/\s+/g, ' ').slice(0, 200);
    }
    summary = texts.find(text => /Learning Mechanics: (?!Validating)/.test(text) && !/Validating/.test(text));
    return summary !== undefined;
  });
  if (!found) {
    throw new Error(`no validation summary within ${CHECK_TIMEOUT_MS / 1000}s`);
  }
  log(`validate summary: ${summary.replace(/\s+/g, ' ').slice(0, 300)}`);
}

async function checkWarningSquiggle(page) {
  const squiggles = page.locator('.editor-group-container.active .monaco-editor .squiggly-warning');
  if (!(await poll(async () => (await squiggles.count()) > 0))) {
    const errors = await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').count();
    throw new Error(`no warning squiggle after ${CHECK_TIMEOUT_MS / 1000}s (error squiggles: ${errors})`);
  }
  log(`warning squiggles: ${await squiggles.count()}`);
}

/** Polls `condition` every 500 ms for CHECK_TIMEOUT_MS; stops early, with an error, if the server failed to start. */
async function poll(condition) {
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await condition()) {
      return true;
    }
    throwIfServerFailed();
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  return false;
}

/**
 * Reads the extension's "Learning Mechanics" log: when the client could not start the server (no dotnet, no dll,
 * a crash on start-up) no answer will ever come, so the check fails at once with the client's own message.
 */
function throwIfServerFailed() {
  const logsDir = path.join(OUTPUT, 'user-data', 'logs');
  if (!fs.existsSync(logsDir)) {
    return;
  }
  for (const file of fs.readdirSync(logsDir, { recursive: true })) {
    if (!String(file).endsWith('Learning Mechanics.log')) {
      continue;
    }
    const fatal = fs
      .readFileSync(path.join(logsDir, String(file)), 'utf8')
      .split('\n')
      .find(line => /\[error\] (Learning Mechanics: |the server failed to start)|will not be restarted/.test(line));
    if (fatal) {
      throw new Error(`the language server is not running: ${fatal.replace(/^\S+ \S+ \[error\] /, '')}`);
    }
  }
}

async function openFromExplorer(page, fileName, textEditor = true) {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${fileName.replace(/\./g, '\\.')}$`) }),
  });
  await row.first().dblclick();
  await page
    .locator('.editor-group-container.active .tab.active', { hasText: fileName })
    .first()
    .waitFor({ timeout: 20_000 });
  if (textEditor) {
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  }
  log(`opened ${fileName}`);
}

async function runCheck(page, check, shotName, body) {
  const checkStarted = Date.now();
  try {
    await body();
    check.passed = true;
    log(`PASS ${check.name} (${((Date.now() - checkStarted) / 1000).toFixed(1)}s)`);
  } catch (error) {
    check.error = error instanceof Error ? error.message : String(error);
    log(`FAIL ${check.name}: ${check.error}`);
  }
  await screenshot(page, shotName);
}

async function screenshot(page, name) {
  try {
    await page.screenshot({ path: path.join(OUTPUT, `${name}.png`) });
  } catch (error) {
    log(`screenshot ${name} failed: ${error instanceof Error ? error.message : error}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (codeServer.exitCode !== null) {
      throw new Error(`code-server exited with ${codeServer.exitCode}; see ${path.join(OUTPUT, 'code-server.log')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

/** Every descendant of `rootPid`, read from /proc, deepest first. */
function descendants(rootPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parentPid)) {
        children.set(parentPid, []);
      }
      children.get(parentPid).push(Number(entry));
    } catch {
      // The process ended while we read it.
    }
  }
  const result = [];
  const visit = pid => {
    for (const child of children.get(pid) ?? []) {
      visit(child);
      result.push(child);
    }
  };
  visit(rootPid);
  return result;
}

/** Stops code-server and everything it started, by PID: SIGTERM, then SIGKILL whatever is left after 3 s. */
async function stopCodeServer() {
  if (!codeServer?.pid) {
    return;
  }
  const pids = [...descendants(codeServer.pid), codeServer.pid];
  const signalAll = signal => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  signalAll('SIGTERM');
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && pids.some(pid => fs.existsSync(`/proc/${pid}`))) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  signalAll('SIGKILL');
  log(`stopped code-server (pid ${codeServer.pid}) and ${pids.length - 1} descendant processes`);
}

/** On failure, show the extension's own logs: they say why the server did not answer. */
function printExtensionLogs() {
  const logsDir = path.join(OUTPUT, 'user-data', 'logs');
  if (!fs.existsSync(logsDir)) {
    return;
  }
  for (const file of fs.readdirSync(logsDir, { recursive: true })) {
    const fullPath = path.join(logsDir, String(file));
    if (/Learning Mechanics\.log$|exthost\.log$/.test(String(file)) && fs.statSync(fullPath).isFile()) {
      const lines = fs.readFileSync(fullPath, 'utf8').trimEnd().split('\n');
      console.log(`---- ${path.relative(OUTPUT, fullPath)} (last 40 lines) ----\n${lines.slice(-40).join('\n')}`);
    }
  }
}

async function finish(setupError) {
  if (finished) {
    return;
  }
  finished = true;
  if (setupError) {
    console.log(`[e2e ${elapsed()}] ERROR ${setupError instanceof Error ? setupError.message : setupError}`);
  }
  try {
    await browser?.close();
  } catch {
    // The browser may already be gone.
  }
  await stopCodeServer();
  for (const [file, content] of originalFiles) {
    if (!fs.existsSync(file) || !fs.readFileSync(file).equals(content)) {
      fs.writeFileSync(file, content);
      log(`restored ${path.relative(REPO, file)}, which the run had changed`);
    }
  }
  const nPassed = checks.filter(check => check.passed).length;
  const nFailed = checks.length - nPassed;
  if (nFailed > 0) {
    printExtensionLogs();
    for (const check of checks.filter(check => !check.passed)) {
      console.log(`  failed: ${check.name}${check.error ? `: ${check.error}` : ' (not run)'}`);
    }
  }
  console.log(`screenshots and logs: ${path.relative(process.cwd(), OUTPUT) || OUTPUT}`);
  console.log(`${nPassed} passed, ${nFailed} failed`);
  process.exit(nFailed === 0 ? 0 : 1);
}

const budget = setTimeout(() => void finish(new Error(`the run exceeded its ${RUN_BUDGET_MS / 1000}s budget`)), RUN_BUDGET_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void finish(new Error(`interrupted by ${signal}`)));
}
main().then(
  () => {
    clearTimeout(budget);
    return finish();
  },
  error => {
    clearTimeout(budget);
    return finish(error);
  },
);
