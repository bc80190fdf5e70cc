// Finds the `dotnet` host and the server dll: the setting first, then the copy bundled with the
// extension, then a clear error that says which setting to change.
// Design note: no runtime `vscode` import here either; file-system access goes through `FileProbe` so
// the search order is unit-tested without touching the disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from './config';

/** Where the bundled server lives, relative to the extension root (filled by `npm run package:server`). */
export const BUNDLED_SERVER_DIR = path.join('client-vscode', 'server');
export const SERVER_DLL_NAME = 'LearningMechanics.Server.dll';
/** The environment variable through which the server's TrainerLocator takes the trainer dll. */
export const TRAINER_ENV_VARIABLE = 'LMECH_TRAINER';

/** How to start the server: `<dotnet> <serverDll> --stdio` (vscode-languageclient appends `--stdio`). */
export interface ServerLaunch {
  readonly dotnet: string;
  readonly serverDll: string;
  /** Variables added to the server's environment (`LMECH_TRAINER` when a trainer path is set). */
  readonly env: Readonly<Record<string, string>>;
  /** Which rule found the dll, shown in the output channel. */
  readonly serverSource: 'setting' | 'bundled';
}

export type BootstrapResult =
  | { readonly ok: true; readonly launch: ServerLaunch }
  | { readonly ok: false; readonly message: string };

/** The file-system questions bootstrap asks; `nodeFileProbe` answers them from the disk. */
export interface FileProbe {
  isFile(filePath: string): boolean;
}

export const nodeFileProbe: FileProbe = {
  isFile(filePath: string): boolean {
    try {
      return fs.statSync(filePath).isFile();
    } catch {
      return false;
    }
  },
};

/** The process facts that the `dotnet` search depends on. */
export interface HostEnvironment {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
}

export function resolveServerLaunch(
  config: Config,
  extensionPath: string,
  host: HostEnvironment,
  probe: FileProbe = nodeFileProbe,
): BootstrapResult {
  const dotnet = findDotnet(config.dotnetPath, host, probe);
  if (dotnet === undefined) {
    return {
      ok: false,
      message:
        `Learning Mechanics: cannot find the .NET host "${config.dotnetPath}". ` +
        'Install the .NET 10 runtime (https://dot.net), or set "learningMechanics.dotnet.path" to the full path of dotnet.',
    };
  }
  if (config.trainerPath !== '' && !probe.isFile(config.trainerPath)) {
    return {
      ok: false,
      message:
        `Learning Mechanics: the trainer file "${config.trainerPath}" set in "learningMechanics.trainer.path" does not exist. ` +
        'Point it at LearningMechanics.Trainer.dll, or clear the setting to let the server find it.',
    };
  }
  const env: Record<string, string> = config.trainerPath === '' ? {} : { [TRAINER_ENV_VARIABLE]: config.trainerPath };
  if (config.serverPath !== '') {
    if (!probe.isFile(config.serverPath)) {
      return {
        ok: false,
        message:
          `Learning Mechanics: the server file "${config.serverPath}" set in "learningMechanics.server.path" does not exist. ` +
          `Point it at ${SERVER_DLL_NAME}, or clear the setting to use the bundled server.`,
      };
    }
    return { ok: true, launch: { dotnet, serverDll: config.serverPath, env, serverSource: 'setting' } };
  }
  const bundled = path.join(extensionPath, BUNDLED_SERVER_DIR, SERVER_DLL_NAME);
  if (!probe.isFile(bundled)) {
    return {
      ok: false,
      message:
        `Learning Mechanics: the bundled server is missing (${bundled}). ` +
        'Reinstall the extension, or build the server (dotnet build server/LearningMechanics.Server) ' +
        `and set "learningMechanics.server.path" to its ${SERVER_DLL_NAME}.`,
    };
  }
  return { ok: true, launch: { dotnet, serverDll: bundled, env, serverSource: 'bundled' } };
}

/**
 * Returns an absolute path to `dotnet`, or undefined. A value with a directory part must name a file;
 * a bare name is searched on PATH, then in `DOTNET_ROOT` and the installers' default folders.
 */
export function findDotnet(dotnetPath: string, host: HostEnvironment, probe: FileProbe): string | undefined {
  const isWindows = host.platform === 'win32';
  const pathApi = isWindows ? path.win32 : path.posix;
  if (dotnetPath.includes('/') || (isWindows && dotnetPath.includes('\\'))) {
    return probe.isFile(dotnetPath) ? dotnetPath : undefined;
  }
  const exeName = isWindows && !dotnetPath.toLowerCase().endsWith('.exe') ? `${dotnetPath}.exe` : dotnetPath;
  const pathVariable = host.env[isWindows ? 'Path' : 'PATH'] ?? host.env['PATH'] ?? '';
  const searchDirs = pathVariable.split(isWindows ? ';' : ':').filter(dir => dir !== '');
  if (dotnetPath === 'dotnet') {
    const dotnetRoot = host.env['DOTNET_ROOT'];
    if (dotnetRoot) {
      searchDirs.push(dotnetRoot);
    }
    searchDirs.push(pathApi.join(host.homeDir, '.dotnet'));
    searchDirs.push(
      ...(isWindows
        ? ['C:\\Program Files\\dotnet']
        : ['/usr/share/dotnet', '/usr/lib/dotnet', '/usr/local/share/dotnet', '/opt/dotnet']),
    );
  }
  return searchDirs.map(dir => pathApi.join(dir, exeName)).find(candidate => probe.isFile(candidate));
}
