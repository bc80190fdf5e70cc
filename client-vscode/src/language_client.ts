// Owns the one LanguageClient: builds its options, starts, stops and restarts it in order.
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type ExecuteCommandOptions,
  type LanguageClientOptions,
  type RegistrationData,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { resolveServerLaunch, type ServerLaunch } from './bootstrap';
import { CONFIG_SECTION, parseConfig, type Config } from './config';
import { FIND_LR_LIMIT_COMMAND, LR_RANGE_TEST_COMMAND, SERVER_STATUS_NOTIFICATION, VALIDATE_COMMAND, type ServerStatusParams } from './lsp_ext';
import { pipeServerStderr, pipeServerStdout } from './server_log';
import type { ServerStatusItem } from './status';

/** Commands the client registers itself; the server may list them in `executeCommandProvider` too. */
const CLIENT_OWNED_COMMANDS: ReadonlySet<string> = new Set([VALIDATE_COMMAND, FIND_LR_LIMIT_COMMAND, LR_RANGE_TEST_COMMAND]);

export class ServerController implements vscode.Disposable {
  private _client: LanguageClient | undefined;
  private _config: Config;
  /** Start, stop and restart run one after another, never interleaved. */
  private _queue: Promise<void> = Promise.resolve();
  private readonly _traceChannel: vscode.LogOutputChannel;

  public constructor(
    private readonly _extensionPath: string,
    private readonly _output: vscode.LogOutputChannel,
    private readonly _status: ServerStatusItem,
  ) {
    this._config = readConfig();
    this._traceChannel = vscode.window.createOutputChannel('Learning Mechanics Trace', { log: true });
  }

  /** The running client, or undefined while stopped or failed. */
  public get client(): LanguageClient | undefined {
    return this._client?.isRunning() ? this._client : undefined;
  }

  /** The client once any pending start or restart has finished; undefined when it is not running then. */
  public async whenRunning(): Promise<LanguageClient | undefined> {
    await this._queue;
    return this.client;
  }

  public get config(): Config {
    return this._config;
  }

  public start(): Promise<void> {
    return this.enqueue(() => this.startNow());
  }

  public restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopNow();
      this._config = readConfig();
      await this.startNow();
    });
  }

  /** Re-reads settings; asks the visible editors for fresh code lenses when `codeLens.enable` flips. */
  public reloadConfig(): void {
    const previous = this._config;
    this._config = readConfig();
    // The server pulls the settings again on didChangeConfiguration and asks for a refresh itself; this covers a
    // server that cannot, and makes the middleware below take effect at once.
    if (previous.codeLensEnable !== this._config.codeLensEnable) {
      this.refreshCodeLenses();
    }
  }

  public async dispose(): Promise<void> {
    await this.enqueue(() => this.stopNow());
    this._traceChannel.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this._queue = this._queue.then(step, step);
    return this._queue;
  }

  private async startNow(): Promise<void> {
    this._status.showStarting();
    const found = resolveServerLaunch(this._config, this._extensionPath, {
      platform: process.platform,
      env: process.env,
      homeDir: os.homedir(),
    });
    if (!found.ok) {
      this._output.error(found.message);
      this._status.showFailed(found.message);
      void vscode.window.showErrorMessage(found.message, 'Open settings').then(choice => {
        if (choice === 'Open settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION);
        }
      });
      return;
    }
    this._output.info(`Starting ${found.launch.dotnet} ${found.launch.serverDll} --stdio (${found.launch.serverSource} server)`);
    const client = new LanguageClient('learningMechanics', 'Learning Mechanics', serverOptions(found.launch), this.clientOptions());
    keepClientOwnedCommands(client);
    // The client restarts a crashed server by itself (up to 4 times in 3 minutes), so all three states recur.
    client.onDidChangeState(change => {
      if (change.newState === State.Starting) {
        this._status.showStarting();
      } else if (change.newState === State.Running) {
        this._status.showReady(found.launch.serverDll);
      } else {
        this._status.showStopped();
      }
    });
    this._client = client;
    try {
      await client.start();
    } catch (error) {
      const message = `the server failed to start: ${error instanceof Error ? error.message : String(error)}`;
      this._output.error(message);
      this._status.showFailed(message);
      return;
    }
    client.onNotification(SERVER_STATUS_NOTIFICATION, (params: ServerStatusParams) => this._status.showServerStatus(params));
  }

  private async stopNow(): Promise<void> {
    const client = this._client;
    this._client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.dispose(5000);
    } catch (error) {
      this._output.warn(`Stopping the server: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: 'file', language: 'csharp' },
        { scheme: 'file', pattern: '**/*.onnx' },
      ],
      outputChannel: this._output,
      stdioOptions: { stderr: pipeServerStderr, stdout: pipeServerStdout },
      traceOutputChannel: this._traceChannel,
      initializationOptions: {
        trainer: {
          device: this._config.trainerDevice,
          timeoutSeconds: this._config.trainerTimeoutSeconds,
          maxMemoryMB: this._config.trainerMaxMemoryMB,
        },
        codeLens: { enable: this._config.codeLensEnable },
        inlayHints: { enable: this._config.inlayHintsEnable },
        analysis: { scope: this._config.analysisScope },
      },
      // The server pulls settings with workspace/configuration and registers its own file watchers
      // (**/*.onnx, **/*.cs, **/learningmechanics.json) with client/registerCapability.
      synchronize: { configurationSection: CONFIG_SECTION },
      middleware: {
        provideCodeLenses: (document, token, next) => (this._config.codeLensEnable ? next(document, token) : []),
      },
    };
  }

  private refreshCodeLenses(): void {
    const feature = this.client?.getFeature('textDocument/codeLens');
    for (const editor of vscode.window.visibleTextEditors) {
      feature?.getProvider(editor.document)?.onDidChangeCodeLensEmitter.fire();
    }
  }
}

function readConfig(): Config {
  return parseConfig(vscode.workspace.getConfiguration(CONFIG_SECTION), os.homedir());
}

function serverOptions(launch: ServerLaunch): ServerOptions {
  // vscode-languageclient appends `--stdio` for the stdio transport; the server accepts it.
  return {
    command: launch.dotnet,
    args: [launch.serverDll],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, ...launch.env } },
  };
}

/**
 * Design note: vscode-languageclient registers a VS Code command for every command the server lists in
 * `executeCommandProvider.commands`. The client registers `learningMechanics.validate` (and the learning-rate commands) itself, at activation,
 * so the command works from the palette and menus before the server is up and turns a `vscode.Uri` or no
 * argument into the `[uri, modelName?]` the server expects. Registering the same id twice throws
 * "command already exists" and would fail the client's start, so client-owned ids are removed from the
 * server's list before the feature registers them. This works whether or not the server lists the command,
 * for static capabilities and for dynamic `client/registerCapability` alike.
 */
function keepClientOwnedCommands(client: LanguageClient): void {
  const feature = client.getFeature(ExecuteCommandRequest.method);
  const register = feature.register.bind(feature);
  feature.register = (data: RegistrationData<ExecuteCommandOptions>): void => {
    const commands = data.registerOptions.commands.filter(command => !CLIENT_OWNED_COMMANDS.has(command));
    register({ ...data, registerOptions: { ...data.registerOptions, commands } });
  };
}
