// Extension entry point: creates the output channel, status item, commands and the language client.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { RESTART_SETTINGS, CONFIG_SECTION } from './config';
import { ServerController } from './language_client';
import { ServerStatusItem } from './status';

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Learning Mechanics', { log: true });
  const status = new ServerStatusItem();
  controller = new ServerController(context.extensionPath, output, status);
  context.subscriptions.push(output, status, ...registerCommands(controller, output));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(change => {
      if (controller === undefined || !change.affectsConfiguration(CONFIG_SECTION)) {
        return;
      }
      if (RESTART_SETTINGS.some(setting => change.affectsConfiguration(setting))) {
        void controller.restart();
      } else {
        controller.reloadConfig();
      }
    }),
  );
  await controller.start();
}

export async function deactivate(): Promise<void> {
  await controller?.dispose();
  controller = undefined;
}
