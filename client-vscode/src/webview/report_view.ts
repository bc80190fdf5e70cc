/// <reference lib="dom" />
// Runs inside the report webview and the ONNX editor: renders the server's report as sent (no theory here).
// Charts (uPlot, bundled by esbuild; no CDN), each from report_format.ts's modelCharts and exportable as CSV/JSON:
// loss curve, q by depth, gradient by depth, order/chaos phase diagram, LR range test.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DocumentReport, ModelReport } from '../lsp_ext';
import { chartToCsv, chartToJson, modelCharts, reportToCsv, type ChartTable } from '../report_format';

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
    ...(model.lrLimit ? [['learning-rate limit', `${model.lrLimit.headline}; divergence above ${num(model.lrLimit.measuredThreshold)} (predicted ≈ ${num(model.lrLimit.predictedDivergence)}) on ${model.lrLimit.device} in ${model.lrLimit.elapsedSeconds.toFixed(1)} s`] as [string, string]] : []),
    ...(model.lrRange ? [['LR range test', `${model.lrRange.headline} on ${model.lrRange.device} in ${model.lrRange.elapsedSeconds.toFixed(1)} s`] as [string, string]] : []),
  ]));
  root.append(section);
  for (const table of modelCharts(model)) {
    const box = element('div', { class: 'chart', 'data-chart': table.id });
    const exports = element('div', { class: 'toolbar' },
      button(`Export ${table.id} CSV`, () => vscode.postMessage({ type: 'export', format: 'csv', name: table.id, content: chartToCsv(table) })),
      button(`Export ${table.id} JSON`, () => vscode.postMessage({ type: 'export', format: 'json', name: table.id, content: chartToJson(table) })),
    );
    section.append(element('h3', {}, table.title), box, exports);
    if (table.id === 'loss' && model.lossCurve?.predictionNote) {
      section.append(element('p', { class: 'muted' }, `No predicted curve: ${model.lossCurve.predictionNote}`));
    }
    if (table.id === 'phase') {
      section.append(element('p', { class: 'muted' }, 'Below the line (χ₁ < 1): ordered, signals and gradients vanish with depth; above it: chaotic, they explode. Line computed by the server from the mean-field theory (THEORY.md §3).'));
    }
    if (table.id === 'lr-range') {
      const m = table.marks;
      section.append(element('p', { class: 'muted' }, `Marked: suggested rate ${num(m.suggested_rate)} (point), predicted η_crit ${num(m.predicted_eta_crit)} (dashed), predicted divergence ≈ ${num(m.predicted_divergence)} (dotted)${m.measured_monotone_limit != null ? `, measured limit ${num(m.measured_monotone_limit)} (solid)` : ''}.`));
    }
    drawChart(box, table);
  }
  if (!modelCharts(model).some(t => t.id === 'lr-range')) {
    section.append(element('p', { class: 'muted' }, 'Run "Learning Mechanics: Run LR Range Test" for the loss-vs-learning-rate chart.'));
  }
  section.append(layerTable(model));
}

interface SeriesStyle {
  readonly label: string;
  readonly color: string;
  readonly dash?: number[];
  readonly line?: boolean;
}

function drawChart(container: HTMLElement, table: ChartTable): void {
  const style = getComputedStyle(document.body);
  const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = color('--vscode-foreground', '#ccc');
  const grid = color('--vscode-editorWidget-border', '#444');
  const blue = color('--vscode-charts-blue', '#3794ff');
  const orange = color('--vscode-charts-orange', '#d18616');
  const green = color('--vscode-charts-green', '#89d185');
  const red = color('--vscode-charts-red', '#f14c4c');
  const purple = color('--vscode-charts-purple', '#b180d7');
  const layout: Record<ChartTable['id'], { x: string; y: string; logX?: boolean; logY?: boolean; series: SeriesStyle[] }> = {
    loss: { x: 'step', y: 'loss', logY: true, series: [{ label: 'measured loss', color: orange }, { label: 'predicted loss (NTK, §7.1)', color: blue, dash: [6, 4] }] },
    q: { x: 'depth (layer index)', y: 'q = E[output²]', logY: true, series: [
      { label: 'predicted q', color: blue }, { label: 'measured q (trainer)', color: orange, dash: [6, 4] }, { label: 'measured q (ONNX Runtime)', color: green, dash: [2, 3] }] },
    gradient: { x: 'depth (layer index)', y: '‖δˡ‖² / ‖δᴸ‖²', logY: true, series: [{ label: 'predicted', color: blue }, { label: 'measured (trainer)', color: orange, dash: [6, 4] }] },
    phase: { x: 'σb²', y: 'σw²', series: [{ label: 'critical line χ₁ = 1', color: blue }, { label: 'this model', color: red, line: false }] },
    'lr-range': { x: 'learning rate (log)', y: 'loss', logX: true, logY: true, series: [{ label: 'loss', color: orange }, { label: 'suggested rate', color: green, line: false }] },
  };
  const spec = layout[table.id];
  const positive = (v: number | null) => (v != null && v > 0 ? v : null);
  const columns = table.columns.map((_, c) => table.rows.map(row => row[c] ?? null));
  const series: uPlot.Series[] = [{ label: spec.x }];
  const data: (number | null)[][] = [columns[0]];
  spec.series.forEach((s, i) => {
    const values = columns[i + 1];
    if (values === undefined || !values.some(v => v != null)) {
      return;
    }
    series.push({
      label: s.label, stroke: s.color, width: s.line === false ? 0 : 2, dash: s.dash, spanGaps: true,
      points: { show: s.line === false || table.rows.length <= 60, size: s.line === false ? 10 : 5, fill: s.color },
    });
    data.push(spec.logY ? values.map(positive) : values);
  });
  const marks = table.id === 'lr-range'
    ? [
      { value: table.marks.predicted_eta_crit, color: blue, dash: [6, 4] },
      { value: table.marks.predicted_divergence, color: purple, dash: [2, 3] },
      { value: table.marks.measured_monotone_limit, color: red, dash: [] },
    ]
    : [];
  const axis = { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const width = Math.max(320, Math.min(900, container.clientWidth || 700));
  const chart = new uPlot(
    {
      width,
      height: 280,
      scales: { x: { time: false, distr: spec.logX ? 3 : 1 }, y: { distr: spec.logY ? 3 : 1 } },
      axes: [
        { ...axis, label: spec.x, ...(spec.logX ? { values: logTicks } : {}) },
        { ...axis, label: spec.y, size: 70, ...(spec.logY ? { values: logTicks } : {}) },
      ],
      series,
      legend: { live: false },
      hooks: {
        draw: [u => {
          for (const mark of marks) {
            if (mark.value == null || !(mark.value > 0)) {
              continue;
            }
            const x = u.valToPos(mark.value, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
              continue;
            }
            u.ctx.save();
            u.ctx.strokeStyle = mark.color;
            u.ctx.lineWidth = 2;
            u.ctx.setLineDash(mark.dash);
            u.ctx.beginPath();
            u.ctx.moveTo(x, u.bbox.top);
            u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
            u.ctx.stroke();
            u.ctx.restore();
          }
        }],
      },
    },
    data as uPlot.AlignedData,
    container,
  );
  charts.push(chart);
}

/** Tick labels of a log axis: uPlot's default writes small values such as 1e-5 as "0". */
function logTicks(_u: uPlot, splits: number[]): string[] {
  return splits.map(v => (v == null ? '' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(0) : String(Number(v.toPrecision(3)))));
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
        cells.push(w ? num(w.sigmaW2) : '', w ? num(w.spectralNorm) : '', w ? (w.alpha != null ? `${num(w.alpha)} (${w.alphaStatus})` : w.alphaStatus === 'Pending' ? 'computing…' : w.alphaStatus) : '');
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
