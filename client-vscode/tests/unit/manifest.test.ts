// Checks package.json against the conventions the client relies on (ANCHORS.md §C.2, §C.6.3).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  CANCEL_VALIDATION_COMMAND,
  FIND_LR_LIMIT_COMMAND,
  LR_RANGE_TEST_COMMAND,
  ONNX_EDITOR_VIEW_TYPE,
  RESTART_SERVER_COMMAND,
  SHOW_OUTPUT_COMMAND,
  SHOW_REPORT_COMMAND,
  VALIDATE_ALL_COMMAND,
  VALIDATE_COMMAND,
} from '../../src/lsp_ext';

// This file is bundled to client-vscode/out/tests/, three folders below the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

interface Setting {
  scope?: string;
  default?: unknown;
  description?: string;
  markdownDescription?: string;
}

test('manifest_ConfigurationSitsUnderContributes', () => {
  assert.equal(manifest.configuration, undefined);
  assert.ok(manifest.contributes.configuration.properties);
});

test('manifest_EverySettingHasScopeDefaultAndDescription', () => {
  const settings: Record<string, Setting> = manifest.contributes.configuration.properties;
  for (const [key, setting] of Object.entries(settings)) {
    assert.match(key, /^learningMechanics\.[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/, key);
    assert.ok(setting.scope, `${key} has no scope`);
    assert.notEqual(setting.default, undefined, `${key} has no default`);
    assert.ok(setting.description ?? setting.markdownDescription, `${key} has no description`);
  }
});

test('manifest_CommandsMatchTheClientAndHaveTheCategory', () => {
  const commands: { command: string; category: string }[] = manifest.contributes.commands;
  assert.deepEqual(
    commands.map(command => command.command).sort(),
    [
      CANCEL_VALIDATION_COMMAND, FIND_LR_LIMIT_COMMAND, LR_RANGE_TEST_COMMAND, RESTART_SERVER_COMMAND, SHOW_OUTPUT_COMMAND, SHOW_REPORT_COMMAND,
      VALIDATE_ALL_COMMAND, VALIDATE_COMMAND,
    ].sort(),
  );
  for (const command of commands) {
    assert.equal(command.category, 'Learning Mechanics');
  }
  const declared = new Set(commands.map(command => command.command));
  for (const [menu, entries] of Object.entries<{ command: string }[]>(manifest.contributes.menus)) {
    for (const entry of entries) {
      assert.ok(declared.has(entry.command), `menu ${menu} refers to undeclared ${entry.command}`);
    }
  }
});

test('manifest_ModelCommandsAreInTheCSharpAndOnnxContextMenus', () => {
  const menus: Record<string, { command: string; when?: string }[]> = manifest.contributes.menus;
  const modelCommands = [VALIDATE_COMMAND, FIND_LR_LIMIT_COMMAND, LR_RANGE_TEST_COMMAND, SHOW_REPORT_COMMAND];
  for (const command of modelCommands) {
    assert.ok(menus['editor/context'].some(e => e.command === command && e.when?.includes('editorLangId == csharp')), `${command} not in the C# editor menu`);
    assert.ok(menus['explorer/context'].some(e => e.command === command && e.when?.includes('.onnx')), `${command} not in the .onnx explorer menu`);
  }
});

test('manifest_EngineAgreesWithTheClientLibraryAndTypes', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'));
  const clientEngine: string = lock.packages['node_modules/vscode-languageclient'].engines.vscode;
  const typesVersion: string = lock.packages['node_modules/@types/vscode'].version;
  const engine: string = manifest.engines.vscode;
  const minor = (range: string) => Number(/\^?1\.(\d+)/.exec(range)?.[1]);
  assert.ok(minor(engine) >= minor(clientEngine), `engines.vscode ${engine} is older than the client needs (${clientEngine})`);
  assert.ok(minor(typesVersion) <= minor(engine), `@types/vscode ${typesVersion} is newer than engines.vscode ${engine}`);
});

test('manifest_ActivatesOnCSharpAndOnnxWorkspaces', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:csharp', 'workspaceContains:**/*.onnx']);
  assert.equal(manifest.main, './client-vscode/out/main.js');
  assert.equal(manifest.contributes.languages, undefined, 'do not redeclare csharp (ANCHORS.md §C.1)');
});

test('manifest_OnnxOpensInTheReadOnlyCustomEditor', () => {
  const editors: { viewType: string; selector: { filenamePattern: string }[]; priority: string }[] = manifest.contributes.customEditors;
  assert.deepEqual(editors.map(e => [e.viewType, e.selector[0].filenamePattern, e.priority]), [[ONNX_EDITOR_VIEW_TYPE, '*.onnx', 'default']]);
});

test('manifest_WebviewBundleIsPackaged', () => {
  const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!client-vscode\/out\/webview\/\*\*$/m);
  assert.match(manifest.scripts.build, /build:webview/);
});
