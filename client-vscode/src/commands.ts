// Registers the commands contributed in package.json: validate (one model / all), find learning-rate limit, LR range test,
// show report, cancel validation, restart server, show output.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { describeLrLimit, describeLrRange, describeValidateResult, toValidateArguments, type ValidateArguments } from './command_args';
import type { ServerController } from './language_client';
import {
  CANCEL_VALIDATION_COMMAND,
  FIND_LR_LIMIT_COMMAND,
  LR_RANGE_TEST_COMMAND,
  RESTART_SERVER_COMMAND,
  SHOW_OUTPUT_COMMAND,
  SHOW_REPORT_COMMAND,
  VALIDATE_ALL_COMMAND,
  VALIDATE_COMMAND,
} from './lsp_ext';
import type { ReportPanels } from './report_panel';

/** Files "Validate all" looks at, and the folders it skips. */
const MODEL_FILES = '**/*.{cs,onnx}';
const SKIPPED_FOLDERS = '**/{bin,obj,node_modules,.git}/**';
const MAX_FILES = 200;

export function registerCommands(controller: ServerController, output: vscode.LogOutputChannel, reports: ReportPanels): vscode.Disposable[] {
  const running = new Set<vscode.CancellationTokenSource>();
  const context = { controller, output, reports, running };
  return [
    vscode.commands.registerCommand(VALIDATE_COMMAND, (...args: unknown[]) => validate(context, args)),
    vscode.commands.registerCommand(VALIDATE_ALL_COMMAND, () => validateAll(context)),
    vscode.commands.registerCommand(FIND_LR_LIMIT_COMMAND, (...args: unknown[]) =>
      runTrainerCommand(context, FIND_LR_LIMIT_COMMAND, 'Finding the learning-rate limit', args, describeLrLimit)),
    vscode.commands.registerCommand(LR_RANGE_TEST_COMMAND, (...args: unknown[]) =>
      runTrainerCommand(context, LR_RANGE_TEST_COMMAND, 'Running the LR range test', args, describeLrRange)),
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (...args: unknown[]) => showReport(context, args)),
    vscode.commands.registerCommand(CANCEL_VALIDATION_COMMAND, () => {
      running.forEach(source => source.cancel());
      output.info(`Cancelled ${running.size} validation run(s)`);
    }),
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, () => controller.restart()),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => output.show(true)),
  ];
}

interface CommandContext {
  readonly controller: ServerController;
  readonly output: vscode.LogOutputChannel;
  readonly reports: ReportPanels;
  /** Token sources of the validations in flight; "Cancel validation" cancels them all. */
  readonly running: Set<vscode.CancellationTokenSource>;
}

function activeUri(): string | undefined {
  const tabInput = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const customUri = tabInput instanceof vscode.TabInputCustom ? tabInput.uri.toString() : undefined;
  return vscode.window.activeTextEditor?.document.uri.toString() ?? customUri;
}

/** Forwards to the server's `learningMechanics.validate` (see lsp_ext.ts), reports its result and opens the chart. */
function validate(context: CommandContext, args: unknown[]): Promise<unknown> {
  return runTrainerCommand(context, VALIDATE_COMMAND, 'Validating', args, describeValidateResult);
}

/**
 * One trainer-backed server command with one cancellable progress notification: the client creates the notification and
 * passes a `workDoneToken`, and the server reports on that token (it creates no progress of its own), so the user sees one
 * toast per run. Afterwards the result is shown and the report opens with its chart.
 */
async function runTrainerCommand(context: CommandContext, command: string, verb: string, args: unknown[], describe: (result: unknown) => string): Promise<unknown> {
  const commandArgs = toValidateArguments(args, activeUri());
  if (commandArgs === undefined) {
    void vscode.window.showWarningMessage('Learning Mechanics: open a C# model or pick an .onnx file first.');
    return undefined;
  }
  const title = `${verb} ${commandArgs[1] ?? 'model'}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Learning Mechanics: ${title}`, cancellable: true },
    async (progress, token) => {
      const result = await sendCommand(context, command, commandArgs, token, true, progress);
      if (result !== undefined && !token.isCancellationRequested) {
        void vscode.window.showInformationMessage(`Learning Mechanics: ${describe(result)}`);
        await context.reports.show(commandArgs[0], true);
      }
      return result;
    },
  );
}

async function validateAll(context: CommandContext): Promise<void> {
  const files = await vscode.workspace.findFiles(MODEL_FILES, SKIPPED_FOLDERS, MAX_FILES);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Learning Mechanics: Validating all models', cancellable: true },
    async (progress, token) => {
      let validated = 0;
      for (const [index, file] of files.entries()) {
        if (token.isCancellationRequested) {
          break;
        }
        progress.report({ message: `${vscode.workspace.asRelativePath(file)} (${index + 1}/${files.length})`, increment: 100 / Math.max(files.length, 1) });
        const result = await sendCommand(context, VALIDATE_COMMAND, [file.toString()], token, false);
        validated += Array.isArray(result) ? result.length : 0;
      }
      void vscode.window.showInformationMessage(`Learning Mechanics: validated ${validated} model(s) in ${files.length} file(s).`);
    },
  );
}

/** One server command request, cancellable from the notification and from "Cancel validation"; progress goes to `progress`. */
async function sendCommand(
  context: CommandContext,
  command: string,
  args: ValidateArguments,
  token: vscode.CancellationToken,
  reportErrors: boolean,
  progress?: vscode.Progress<{ message?: string; increment?: number }>,
): Promise<unknown> {
  const client = await context.controller.whenRunning();
  if (client === undefined) {
    void vscode.window.showErrorMessage('Learning Mechanics: the server is not running. Run "Learning Mechanics: Restart server".');
    return undefined;
  }
  const source = new vscode.CancellationTokenSource();
  const forward = token.onCancellationRequested(() => source.cancel());
  context.running.add(source);
  const workDoneToken = `lmech-client-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let reported = 0;
  const listener = progress === undefined ? undefined : client.onProgress(WorkDoneProgress.type, workDoneToken, value => {
    if (value.kind === 'end') {
      return;
    }
    const { message, percentage } = value as WorkDoneProgressBegin | WorkDoneProgressReport;
    const increment = percentage === undefined ? undefined : Math.max(0, percentage - reported);
    reported = percentage ?? reported;
    progress.report({ message, increment });
  });
  try {
    return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args, workDoneToken: progress === undefined ? undefined : workDoneToken }, source.token);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.output.warn(`${command} ${args.join(' ')}: ${message}`);
    if (reportErrors && !source.token.isCancellationRequested) {
      void vscode.window.showErrorMessage(`Learning Mechanics: ${command} failed: ${message}`);
    }
    return undefined;
  } finally {
    listener?.dispose();
    context.running.delete(source);
    forward.dispose();
    source.dispose();
  }
}

async function showReport(context: CommandContext, args: unknown[]): Promise<void> {
  const uri = toValidateArguments(args, activeUri())?.[0];
  if (uri === undefined) {
    void vscode.window.showWarningMessage('Learning Mechanics: open a C# model or pick an .onnx file to see its report.');
    return;
  }
  await context.reports.show(uri);
}
