// The report webview (chart + table) and the read-only ONNX custom editor. Both render what the server's
// `learningMechanics/report` returns; the page script is client-vscode/out/webview/report_view.js (uPlot bundled).
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { ServerController } from './language_client';
import { REPORT_REQUEST, type DocumentReport, type ReportParams } from './lsp_ext';

const WEBVIEW_DIR = ['client-vscode', 'out', 'webview'];

/** One report panel per document URI; `show` opens it or updates it in place. */
export class ReportPanels implements vscode.Disposable {
  private readonly _panels = new Map<string, vscode.WebviewPanel>();

  public constructor(
    private readonly _extensionUri: vscode.Uri,
    private readonly _controller: ServerController,
  ) {}

  public async show(uri: string, preserveFocus = false): Promise<void> {
    let panel = this._panels.get(uri);
    if (panel === undefined) {
      const name = uri.split('/').pop() ?? uri;
      panel = vscode.window.createWebviewPanel('learningMechanics.report', `Report: ${decodeURIComponent(name)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, webviewOptions(this._extensionUri));
      const created = panel;
      this._panels.set(uri, created);
      created.onDidDispose(() => this._panels.delete(uri));
      await attachReport(created.webview, this._extensionUri, this._controller, uri, `Report: ${decodeURIComponent(name)}`);
    } else {
      panel.reveal(undefined, preserveFocus);
      await postReport(panel.webview, this._controller, uri, panel.title);
    }
  }

  public dispose(): void {
    for (const panel of this._panels.values()) {
      panel.dispose();
    }
    this._panels.clear();
  }
}

/** Read-only custom editor for `*.onnx`: the file is read by the server, so it also works in remote workspaces. */
export class OnnxReportEditor implements vscode.CustomReadonlyEditorProvider {
  public constructor(
    private readonly _extensionUri: vscode.Uri,
    private readonly _controller: ServerController,
  ) {}

  public openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  public resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this._extensionUri);
    const name = document.uri.path.split('/').pop() ?? 'model.onnx';
    const title = `ONNX model: ${name}`;
    // Not awaited: VS Code shows the webview only after this method returns, and the report waits for the page's "ready".
    void attachReport(panel.webview, this._extensionUri, this._controller, document.uri.toString(), title);
    // A new export of the model overwrites the file: show the new report (the server's analysis is keyed by the file stamp).
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), name));
    watcher.onDidChange(() => void postReport(panel.webview, this._controller, document.uri.toString(), title));
    panel.onDidDispose(() => watcher.dispose());
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR)] };
}

async function attachReport(webview: vscode.Webview, extensionUri: vscode.Uri, controller: ServerController, uri: string, title: string): Promise<void> {
  webview.html = reportHtml(webview, extensionUri);
  let ready: () => void = () => undefined;
  const loaded = new Promise<void>(resolve => (ready = resolve));
  webview.onDidReceiveMessage(async (message: { type: string; format?: string; name?: string; content?: string }) => {
    if (message.type === 'ready') {
      ready();
    } else if (message.type === 'export' && message.content !== undefined) {
      await exportReport(uri, message.format === 'csv' ? 'csv' : 'json', message.content, message.name);
    }
  });
  await loaded;
  await postReport(webview, controller, uri, title);
}

async function postReport(webview: vscode.Webview, controller: ServerController, uri: string, title: string): Promise<void> {
  const client = await controller.whenRunning();
  if (client === undefined) {
    await webview.postMessage({ type: 'error', error: 'The Learning Mechanics server is not running. Run "Learning Mechanics: Restart server".' });
    return;
  }
  await webview.postMessage({ type: 'loading' });
  try {
    const params: ReportParams = { uri };
    const report = await client.sendRequest<DocumentReport>(REPORT_REQUEST, params);
    await webview.postMessage({ type: 'report', report, title });
  } catch (error) {
    await webview.postMessage({ type: 'error', error: `The server could not build the report: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** Saves an export; `name` is the chart's id ("loss", "phase"...), absent for the whole per-layer report. */
async function exportReport(uri: string, format: 'csv' | 'json', content: string, name?: string): Promise<void> {
  const base = vscode.Uri.parse(uri);
  const suffix = name !== undefined && /^[a-z-]+$/.test(name) ? name : 'report';
  const target = await vscode.window.showSaveDialog({
    defaultUri: base.with({ path: `${base.path.replace(/\.[^./]+$/, '')}.${suffix}.${format}` }),
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
  });
  if (target !== undefined) {
    await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
    void vscode.window.showInformationMessage(`Learning Mechanics: report saved to ${target.fsPath}`);
  }
}

/** The page: a strict CSP that allows only our bundled script (with a per-load nonce) and stylesheets. */
function reportHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR, file)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('report_view.css')}">
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
  dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; } dt { color: var(--vscode-descriptionForeground); }
  table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: 0.9em; }
  th, td { border-bottom: 1px solid var(--vscode-editorWidget-border, #444); padding: 2px 8px; text-align: right; white-space: nowrap; }
  th { position: sticky; top: 0; background: var(--vscode-editor-background); }
  td:nth-child(2), td:nth-child(3), th:nth-child(2), th:nth-child(3) { text-align: left; }
  .table { max-height: 60vh; overflow: auto; }
  .toolbar button, .table button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; margin: 4px 4px 4px 0; cursor: pointer; }
  .muted { color: var(--vscode-descriptionForeground); } .error { color: var(--vscode-errorForeground); }
  .chart .u-legend, .chart .u-title { color: var(--vscode-foreground); }
</style>
<title>Learning Mechanics report</title>
</head>
<body>
<div id="root"><p class="muted">Loading…</p></div>
<script nonce="${nonce}" src="${asset('report_view.js')}"></script>
</body>
</html>`;
}
