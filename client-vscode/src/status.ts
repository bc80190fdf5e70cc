// The status bar item that shows the server's state: starting, ready, busy, stopped or failed.
import * as vscode from 'vscode';
import { SHOW_OUTPUT_COMMAND, type ServerStatusParams } from './lsp_ext';

export class ServerStatusItem implements vscode.Disposable {
  private readonly _item: vscode.StatusBarItem;

  public constructor() {
    this._item = vscode.window.createStatusBarItem('learningMechanics.status', vscode.StatusBarAlignment.Left, 0);
    this._item.name = 'Learning Mechanics';
    this._item.command = SHOW_OUTPUT_COMMAND;
    this.showStarting();
    this._item.show();
  }

  public showStarting(): void {
    this.set('$(sync~spin) LM', 'Learning Mechanics: starting the server…', undefined);
  }

  public showReady(detail: string): void {
    this.set('$(pulse) LM', `Learning Mechanics: ready\n${detail}`, undefined);
  }

  public showStopped(): void {
    this.set('$(circle-slash) LM', 'Learning Mechanics: server stopped. Run "Learning Mechanics: Restart server".', 'warningBackground');
  }

  public showFailed(message: string): void {
    this.set('$(error) LM', `Learning Mechanics: ${message}\nClick to open the log.`, 'errorBackground');
  }

  /** Applies the optional `learningMechanics/serverStatus` notification on top of the client's own state. */
  public showServerStatus(status: ServerStatusParams): void {
    const icon = status.health === 'error' ? '$(error)' : !status.quiescent ? '$(sync~spin)' : status.health === 'warning' ? '$(warning)' : '$(pulse)';
    const background = status.health === 'error' ? 'errorBackground' : status.health === 'warning' ? 'warningBackground' : undefined;
    const state = status.state ?? (status.quiescent ? status.health : 'busy');
    const label = status.state === 'validating' && status.percentage !== undefined ? `LM ${status.percentage}%` : 'LM';
    this.set(`${icon} ${label}`, `Learning Mechanics: ${state}${status.message ? `\n${status.message}` : ''}`, background);
  }

  public dispose(): void {
    this._item.dispose();
  }

  private set(text: string, tooltip: string, background: 'warningBackground' | 'errorBackground' | undefined): void {
    this._item.text = text;
    this._item.tooltip = tooltip;
    this._item.backgroundColor = background ? new vscode.ThemeColor(`statusBarItem.${background}`) : undefined;
  }
}
