/// <reference lib="dom" />
// Runs inside the report webview and the ONNX editor: renders the server's report as sent (no theory here).
// Chart: predicted vs measured q per layer by depth on a log scale (uPlot, bundled by esbuild; no CDN).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DocumentReport, ModelReport, ReportLayer } from '../lsp_ext';
import { reportToCsv } from '../report_format';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Rows rendered at first; the rest appear on request, so a large ONNX graph stays responsive. */
const INITIAL_ROWS = 200;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let charts: uPlot[] = [];
let current: DocumentReport | undefined;

window.addEventListener('message', event => {
  const message = event.data as { type: string; report?: DocumentReport; error?: string; title?: string };
  if (message.type === 'report' && message.report) {
    current = message.report;
    render(message.report, message.title ?? '');
  } else if (message.type === 'error') {
    root.replaceChildren(element('p', { class: 'error' }, message.error ?? 'unknown error'));
  } else if (message.type === 'loading') {
    root.replaceChildren(element('p', { class: 'muted' }, 'Analysing…'));
  }
});
vscode.postMessage({ type: 'ready' });

function render(report: DocumentReport, title: string): void {
  charts.forEach(chart => chart.destroy());
  charts = [];
  const toolbar = element('div', { class: 'toolbar' },
    button('Export CSV', () => vscode.postMessage({ type: 'export', format: 'csv', content: reportToCsv(report) })),
    button('Export JSON', () => vscode.postMessage({ type: 'export', format: 'json', content: JSON.stringify(report, null, 2) })),
  );
  const parts: Node[] = [element('h1', {}, title), toolbar];
  if (report.onnx) {
    const o = report.onnx;
    parts.push(definitionList([
      ['graph', o.graphName], ['producer', o.producer || '—'], ['IR / opsets', `${o.irVersion} / ${o.opsets}`],
      ['file', `${(o.fileBytes / 1024).toFixed(1)} KiB`], ['nodes', String(o.nodeCount)], ['parameters', o.parameterCount.toLocaleString('en-US')],
      ['unknown ops', o.unknownOps.length === 0 ? 'none' : o.unknownOps.join(', ')],
      ['ONNX Runtime probe', o.probeBatchSize == null ? 'not run' : `batch ${o.probeBatchSize}, N(0,1) inputs, ${(o.probeMilliseconds ?? 0).toFixed(0)} ms`],
      ...o.probeNotes.map((note): [string, string] => ['probe note', note]),
    ]));
  }
  if (report.models.length === 0) {
    parts.push(element('p', { class: 'muted' }, 'No model found in this document.'));
  }
  root.replaceChildren(...parts);
  for (const model of report.models) {
    renderModel(model);
  }
  if (report.findings.length > 0) {
    root.append(element('h2', {}, 'Findings'), element('ul', {}, ...report.findings.map(f => element('li', {}, f))));
  }
}

function renderModel(model: ModelReport): void {
  const section = element('section', { class: 'model', 'data-model': model.name });
  section.append(element('h2', {}, model.name));
  const lr = model.learningRate;
  section.append(definitionList([
    ['parameters', `${model.parameters.toLocaleString('en-US')}${model.parametersExact ? '' : ' (at least)'}`],
    ['depth', String(model.depth)], ['phase', model.phase], ['χ₁', num(model.chi1)], ['trainable depth', num(model.trainableDepth)],
    ...(lr ? [['learning rate', `${num(lr.declared)} (${lr.optimizer}); monotone limit ${num(lr.monotoneLimit)}, divergence ${num(lr.divergenceLimit)}`] as [string, string]] : []),
    ['validation', model.validation ? `${model.validation.headline} on ${model.validation.device} in ${model.validation.elapsedSeconds.toFixed(1)} s` : 'not run'],
  ]));
  const chartBox = element('div', { class: 'chart' });
  section.append(chartBox);
  section.append(layerTable(model));
  root.append(section);
  drawChart(chartBox, model.layers);
}

function drawChart(container: HTMLElement, layers: readonly ReportLayer[]): void {
  const rows = layers.filter(l => l.predictedQ != null || l.measuredQ != null || l.probeQ != null);
  if (rows.length === 0) {
    container.append(element('p', { class: 'muted' }, 'No per-layer q to plot.'));
    return;
  }
  const style = getComputedStyle(document.body);
  const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = color('--vscode-foreground', '#ccc');
  const grid = color('--vscode-editorWidget-border', '#444');
  const positive = (v: number | null) => (v != null && v > 0 ? v : null);
  const series: uPlot.Series[] = [{ label: 'depth' }];
  const data: (number | null)[][] = [rows.map(l => l.depth)];
  const add = (label: string, values: (number | null)[], stroke: string, dash?: number[]) => {
    if (values.some(v => v != null)) {
      series.push({ label, stroke, width: 2, dash, points: { show: true, size: 6, fill: stroke }, spanGaps: true });
      data.push(values);
    }
  };
  add('predicted q', rows.map(l => positive(l.predictedQ)), color('--vscode-charts-blue', '#3794ff'));
  add('measured q (trainer)', rows.map(l => positive(l.measuredQ)), color('--vscode-charts-orange', '#d18616'), [6, 4]);
  add('measured q (ONNX Runtime)', rows.map(l => positive(l.probeQ)), color('--vscode-charts-green', '#89d185'), [2, 3]);
  const axis = { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const width = Math.max(320, Math.min(900, container.clientWidth || 700));
  const chart = new uPlot(
    {
      width,
      height: 300,
      title: 'q per layer by depth (log scale)',
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ ...axis, label: 'depth (layer index)', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { ...axis, label: 'q = E[output²]', size: 70 }],
      series,
      legend: { live: false },
    },
    data as uPlot.AlignedData,
    container,
  );
  charts.push(chart);
}

function layerTable(model: ModelReport): HTMLElement {
  const hasWeights = model.layers.some(l => l.weights != null);
  const headers = ['#', 'layer', 'op', 'input', 'output', 'params', 'predicted q', 'measured q', ...(hasWeights ? ['σw² = Var·fan_in', 'spectral norm', 'alpha (fit)'] : [])];
  const body = element('tbody', {});
  const addRows = (from: number, to: number) => {
    for (const l of model.layers.slice(from, to)) {
      const measured = l.measuredQ ?? l.probeQ;
      const cells = [String(l.depth), l.name, l.op, l.inputShape, l.outputShape, l.parameters.toLocaleString('en-US'), num(l.predictedQ), num(measured)];
      if (hasWeights) {
        const w = l.weights;
        cells.push(w ? num(w.sigmaW2) : '', w ? num(w.spectralNorm) : '', w ? (w.alpha != null ? `${num(w.alpha)} (${w.alphaStatus})` : w.alphaStatus) : '');
      }
      body.append(element('tr', { title: l.description }, ...cells.map(c => element('td', {}, c))));
    }
  };
  addRows(0, INITIAL_ROWS);
  const table = element('table', {}, element('thead', {}, element('tr', {}, ...headers.map(h => element('th', {}, h)))), body);
  const wrapper = element('div', { class: 'table' }, table);
  if (model.layers.length > INITIAL_ROWS || model.totalLayers > model.layers.length) {
    const more = button(`Show all ${model.layers.length} rows${model.totalLayers > model.layers.length ? ` (of ${model.totalLayers}; the server sends the first ${model.layers.length})` : ''}`, () => {
      addRows(INITIAL_ROWS, model.layers.length);
      more.remove();
    });
    wrapper.append(more);
  }
  return wrapper;
}

function num(value: number | null | undefined): string {
  if (value == null || value === undefined) {
    return '—';
  }
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}

function definitionList(entries: [string, string][]): HTMLElement {
  return element('dl', {}, ...entries.flatMap(([term, value]) => [element('dt', {}, term), element('dd', {}, value)]));
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = element('button', {}, label) as HTMLButtonElement;
  b.addEventListener('click', onClick);
  return b;
}

function element(tag: string, attributes: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    e.setAttribute(name, value);
  }
  e.append(...children);
  return e;
}

// Keeps the last report reachable for debugging from the webview's developer tools.
(window as unknown as { lmReport: () => DocumentReport | undefined }).lmReport = () => current;
