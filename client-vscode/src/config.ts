// Reads the `learningMechanics.*` settings into one plain record.
// Design note: this file imports no runtime `vscode` value, so its functions run under `node --test`.
import type { WorkspaceConfiguration } from 'vscode';

export type TraceLevel = 'off' | 'messages' | 'verbose';
export type TrainerDevice = 'auto' | 'cpu' | 'cuda';
export type AnalysisScope = 'openFiles' | 'workspace';

/** Every setting the client reads, already validated; see `contributes.configuration` in package.json. */
export interface Config {
  /** File path of `LearningMechanics.Server.dll`; empty means the bundled copy. */
  readonly serverPath: string;
  /** File path or command name of the `dotnet` host. */
  readonly dotnetPath: string;
  readonly traceServer: TraceLevel;
  readonly trainerDevice: TrainerDevice;
  /** File path of `LearningMechanics.Trainer.dll`; empty lets the server find it. */
  readonly trainerPath: string;
  /** Wall-clock limit of one validation training run, in seconds. */
  readonly trainerTimeoutSeconds: number;
  /** Memory limit of one validation training run, in MiB. */
  readonly trainerMaxMemoryMB: number;
  readonly codeLensEnable: boolean;
  readonly inlayHintsEnable: boolean;
  /** `openFiles`: analyse open documents (and .onnx files); `workspace`: also C# files that change on disk. */
  readonly analysisScope: AnalysisScope;
}

/** The configuration section every setting lives under. */
export const CONFIG_SECTION = 'learningMechanics';

/** Settings whose change needs a new server process (the rest are sent to the running server). */
export const RESTART_SETTINGS: readonly string[] = [
  `${CONFIG_SECTION}.server.path`,
  `${CONFIG_SECTION}.dotnet.path`,
  `${CONFIG_SECTION}.trainer.path`,
];

const TRACE_LEVELS: readonly TraceLevel[] = ['off', 'messages', 'verbose'];
const TRAINER_DEVICES: readonly TrainerDevice[] = ['auto', 'cpu', 'cuda'];
const ANALYSIS_SCOPES: readonly AnalysisScope[] = ['openFiles', 'workspace'];

/** The subset of `WorkspaceConfiguration` that `parseConfig` uses, so tests can pass a plain object. */
export type SettingsReader = Pick<WorkspaceConfiguration, 'get'>;

/**
 * Turns raw settings into a `Config`. A value of the wrong type or outside its enum falls back to the
 * default declared in package.json, so a typo in settings.json never stops the server from starting.
 */
export function parseConfig(settings: SettingsReader, homeDir: string): Config {
  return {
    serverPath: expandHome(stringSetting(settings, 'server.path', ''), homeDir),
    dotnetPath: expandHome(stringSetting(settings, 'dotnet.path', 'dotnet'), homeDir) || 'dotnet',
    traceServer: enumSetting(settings, 'trace.server', TRACE_LEVELS, 'off'),
    trainerDevice: enumSetting(settings, 'trainer.device', TRAINER_DEVICES, 'auto'),
    trainerPath: expandHome(stringSetting(settings, 'trainer.path', ''), homeDir),
    trainerTimeoutSeconds: positiveNumberSetting(settings, 'trainer.timeoutSeconds', 300),
    trainerMaxMemoryMB: positiveNumberSetting(settings, 'trainer.maxMemoryMB', 4096),
    codeLensEnable: booleanSetting(settings, 'codeLens.enable', true),
    inlayHintsEnable: booleanSetting(settings, 'inlayHints.enable', false),
    analysisScope: enumSetting(settings, 'analysis.scope', ANALYSIS_SCOPES, 'openFiles'),
  };
}

/** Replaces a leading `~` (alone or followed by a slash) with the home directory. */
export function expandHome(path: string, homeDir: string): string {
  if (path === '~') {
    return homeDir;
  }
  if (path.startsWith('~/') || path.startsWith('~\\')) {
    return homeDir + path.slice(1);
  }
  return path;
}

function stringSetting(settings: SettingsReader, key: string, fallback: string): string {
  const value = settings.get<unknown>(key);
  return typeof value === 'string' ? value.trim() : fallback;
}

function booleanSetting(settings: SettingsReader, key: string, fallback: boolean): boolean {
  const value = settings.get<unknown>(key);
  return typeof value === 'boolean' ? value : fallback;
}

function positiveNumberSetting(settings: SettingsReader, key: string, fallback: number): number {
  const value = settings.get<unknown>(key);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function enumSetting<T extends string>(settings: SettingsReader, key: string, allowed: readonly T[], fallback: T): T {
  const value = settings.get<unknown>(key);
  return allowed.find(candidate => candidate === value) ?? fallback;
}
