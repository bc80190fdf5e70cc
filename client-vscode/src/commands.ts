// Registers the commands contributed in package.json: validate, restart server, show output.
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { describeValidateResult, toValidateArguments } from './command_args';
import type { ServerController } from './language_client';
import { RESTART_SERVER_COMMAND, SHOW_OUTPUT_COMMAND, VALIDATE_COMMAND } from './lsp_ext';

export function registerCommands(controller: ServerController, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(VALIDATE_COMMAND, (...args: unknown[]) => validate(controller, output, args)),
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, () => controller.restart()),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => output.show(true)),
  ];
}

/** Forwards to the server's `learningMechanics.validate` (see lsp_ext.ts) and reports its result. */
async function validate(controller: ServerController, output: vscode.LogOutputChannel, args: unknown[]): Promise<unknown> {
  const activeUri = vscode.window.activeTextEditor?.document.uri.toString();
  const validateArgs = toValidateArguments(args, activeUri);
  if (validateArgs === undefined) {
    void vscode.window.showWarningMessage('Learning Mechanics: open a C# model or pick an .onnx file to validate.');
    return undefined;
  }
  const client = controller.client;
  if (client === undefined) {
    void vscode.window.showErrorMessage('Learning Mechanics: the server is not running. Run "Learning Mechanics: Restart server".');
    return undefined;
  }
  const title = validateArgs[1] === undefined ? 'Validating model' : `Validating ${validateArgs[1]}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Learning Mechanics: ${title}`, cancellable: true },
    async (_progress, token) => {
      try {
        const result: unknown = await client.sendRequest(
          ExecuteCommandRequest.type,
          { command: VALIDATE_COMMAND, arguments: validateArgs },
          token,
        );
        if (!token.isCancellationRequested) {
          void vscode.window.showInformationMessage(`Learning Mechanics: ${describeValidateResult(result)}`);
        }
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        output.error(`Validate ${validateArgs.join(' ')}: ${message}`);
        void vscode.window.showErrorMessage(`Learning Mechanics: validation failed: ${message}`);
        return undefined;
      }
    },
  );
}
