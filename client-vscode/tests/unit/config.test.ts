import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandHome, parseConfig, type SettingsReader } from '../../src/config';

function settings(values: Record<string, unknown>): SettingsReader {
  return { get: ((key: string) => values[key]) as SettingsReader['get'] };
}

test('parseConfig_NoSettings_GivesPackageJsonDefaults', () => {
  assert.deepEqual(parseConfig(settings({}), '/home/u'), {
    serverPath: '',
    dotnetPath: 'dotnet',
    traceServer: 'off',
    trainerDevice: 'auto',
    trainerPath: '',
    trainerTimeoutSeconds: 300,
    trainerMaxMemoryMB: 4096,
    codeLensEnable: true,
    inlayHintsEnable: false,
    analysisScope: 'openFiles',
  });
});

test('parseConfig_ValidSettings_AreKept', () => {
  const config = parseConfig(
    settings({
      'server.path': ' /opt/lm/LearningMechanics.Server.dll ',
      'dotnet.path': '~/.dotnet/dotnet',
      'trace.server': 'verbose',
      'trainer.device': 'cuda',
      'trainer.timeoutSeconds': 30,
      'codeLens.enable': false,
      'inlayHints.enable': true,
      'analysis.scope': 'workspace',
      'trainer.maxMemoryMB': 1024,
    }),
    '/home/u',
  );
  assert.equal(config.serverPath, '/opt/lm/LearningMechanics.Server.dll');
  assert.equal(config.dotnetPath, '/home/u/.dotnet/dotnet');
  assert.equal(config.traceServer, 'verbose');
  assert.equal(config.trainerDevice, 'cuda');
  assert.equal(config.trainerTimeoutSeconds, 30);
  assert.equal(config.codeLensEnable, false);
  assert.equal(config.inlayHintsEnable, true);
  assert.equal(config.analysisScope, 'workspace');
  assert.equal(config.trainerMaxMemoryMB, 1024);
});

test('parseConfig_WrongTypesOrUnknownEnumValues_FallBackToDefaults', () => {
  const config = parseConfig(
    settings({ 'server.path': 42, 'dotnet.path': '  ', 'trace.server': 'loud', 'trainer.device': 'tpu', 'trainer.timeoutSeconds': -5, 'codeLens.enable': 'yes' }),
    '/home/u',
  );
  assert.equal(config.serverPath, '');
  assert.equal(config.dotnetPath, 'dotnet');
  assert.equal(config.traceServer, 'off');
  assert.equal(config.trainerDevice, 'auto');
  assert.equal(config.trainerTimeoutSeconds, 300);
  assert.equal(config.codeLensEnable, true);
});

test('expandHome_OnlyLeadingTilde', () => {
  assert.equal(expandHome('~', '/h'), '/h');
  assert.equal(expandHome('~/x', '/h'), '/h/x');
  assert.equal(expandHome('/a/~/x', '/h'), '/a/~/x');
  assert.equal(expandHome('~user/x', '/h'), '~user/x');
});
