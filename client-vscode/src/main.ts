// Extension entry point: creates the output channel, status item, commands and the language client.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { RESTART_SETTINGS, CONFIG_SECTION } from './config';
import { ServerController } from './language_client';
import { ONNX_EDITOR_VIEW_TYPE } from './lsp_ext';
import { OnnxReportEditor, ReportPanels } from './report_panel';
import { ServerStatusItem } from './status';

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Learning Mechanics', { log: true });
  const status = new ServerStatusItem();
  controller = new ServerController(context.extensionPath, output, status);
  const reports = new ReportPanels(context.extensionUri, controller);
  context.subscriptions.push(output, status, reports, ...registerCommands(controller, output, reports));
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(ONNX_EDITOR_VIEW_TYPE, new OnnxReportEditor(context.extensionUri, controller), {
      supportsMultipleEditorsPerDocument: true,
    }),
  );
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
