import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDotnet, resolveServerLaunch, type FileProbe, type HostEnvironment } from '../../src/bootstrap';
import type { Config } from '../../src/config';

const linux: HostEnvironment = { platform: 'linux', env: { PATH: '/usr/local/bin:/usr/bin' }, homeDir: '/home/u' };
const baseConfig: Config = { serverPath: '', dotnetPath: 'dotnet', traceServer: 'off', trainerDevice: 'auto', trainerPath: '', trainerTimeoutSeconds: 300, codeLensEnable: true, trainerMaxMemoryMB: 4096, inlayHintsEnable: false, analysisScope: 'openFiles' };

function files(...paths: string[]): FileProbe {
  const existing = new Set(paths);
  return { isFile: filePath => existing.has(filePath) };
}

test('resolveServerLaunch_SettingWins_OverBundledCopy', () => {
  const probe = files('/usr/bin/dotnet', '/srv/LearningMechanics.Server.dll', '/ext/client-vscode/server/LearningMechanics.Server.dll');
  const result = resolveServerLaunch({ ...baseConfig, serverPath: '/srv/LearningMechanics.Server.dll' }, '/ext', linux, probe);
  assert.deepEqual(result, {
    ok: true,
    launch: { dotnet: '/usr/bin/dotnet', serverDll: '/srv/LearningMechanics.Server.dll', env: {}, serverSource: 'setting' },
  });
});

test('resolveServerLaunch_NoSetting_UsesBundledCopy', () => {
  const probe = files('/usr/bin/dotnet', '/ext/client-vscode/server/LearningMechanics.Server.dll');
  const result = resolveServerLaunch(baseConfig, '/ext', linux, probe);
  assert.ok(result.ok);
  assert.equal(result.launch.serverDll, '/ext/client-vscode/server/LearningMechanics.Server.dll');
  assert.equal(result.launch.serverSource, 'bundled');
});

test('resolveServerLaunch_SettingPointsNowhere_ErrorNamesTheSetting', () => {
  const probe = files('/usr/bin/dotnet', '/ext/client-vscode/server/LearningMechanics.Server.dll');
  const result = resolveServerLaunch({ ...baseConfig, serverPath: '/missing.dll' }, '/ext', linux, probe);
  assert.ok(!result.ok);
  assert.match(result.message, /learningMechanics\.server\.path/);
  assert.match(result.message, /\/missing\.dll/);
});

test('resolveServerLaunch_NoBundledCopy_ErrorSaysHowToFixIt', () => {
  const result = resolveServerLaunch(baseConfig, '/ext', linux, files('/usr/bin/dotnet'));
  assert.ok(!result.ok);
  assert.match(result.message, /bundled server is missing/);
});

test('resolveServerLaunch_TrainerPathSet_PassedAsLmechTrainer', () => {
  const probe = files('/usr/bin/dotnet', '/ext/client-vscode/server/LearningMechanics.Server.dll', '/t/LearningMechanics.Trainer.dll');
  const result = resolveServerLaunch({ ...baseConfig, trainerPath: '/t/LearningMechanics.Trainer.dll' }, '/ext', linux, probe);
  assert.ok(result.ok);
  assert.deepEqual(result.launch.env, { LMECH_TRAINER: '/t/LearningMechanics.Trainer.dll' });
  const missing = resolveServerLaunch({ ...baseConfig, trainerPath: '/nowhere.dll' }, '/ext', linux, probe);
  assert.ok(!missing.ok);
  assert.match(missing.message, /learningMechanics\.trainer\.path/);
});

test('resolveServerLaunch_NoDotnet_ErrorNamesTheDotnetSetting', () => {
  const result = resolveServerLaunch(baseConfig, '/ext', linux, files('/ext/client-vscode/server/LearningMechanics.Server.dll'));
  assert.ok(!result.ok);
  assert.match(result.message, /learningMechanics\.dotnet\.path/);
});

test('findDotnet_BareName_SearchesPathInOrderThenDefaultFolders', () => {
  assert.equal(findDotnet('dotnet', linux, files('/usr/bin/dotnet', '/usr/local/bin/dotnet')), '/usr/local/bin/dotnet');
  assert.equal(findDotnet('dotnet', linux, files('/home/u/.dotnet/dotnet')), '/home/u/.dotnet/dotnet');
  const withRoot = { ...linux, env: { PATH: '', DOTNET_ROOT: '/opt/dn' } };
  assert.equal(findDotnet('dotnet', withRoot, files('/opt/dn/dotnet', '/usr/share/dotnet/dotnet')), '/opt/dn/dotnet');
});

test('findDotnet_ExplicitPath_MustExist', () => {
  assert.equal(findDotnet('/opt/dn/dotnet', linux, files('/opt/dn/dotnet')), '/opt/dn/dotnet');
  assert.equal(findDotnet('/opt/dn/dotnet', linux, files('/usr/bin/dotnet')), undefined);
});

test('findDotnet_Windows_AddsExeAndUsesSemicolons', () => {
  const windows: HostEnvironment = { platform: 'win32', env: { Path: 'C:\\tools;C:\\dn' }, homeDir: 'C:\\Users\\u' };
  assert.equal(findDotnet('dotnet', windows, files('C:\\dn\\dotnet.exe')), 'C:\\dn\\dotnet.exe');
});
