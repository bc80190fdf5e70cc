// Turns a report into CSV for export. No runtime `vscode` import: used by the webview and unit-tested in plain Node.
import type { DocumentReport, ModelReport } from './lsp_ext';

const COLUMNS = [
  'model', 'depth', 'node', 'name', 'op', 'input_shape', 'output_shape', 'parameters', 'init',
  'predicted_q', 'measured_q', 'onnxruntime_q', 'chi', 'sigma_w2', 'spectral_norm', 'stable_rank', 'alpha', 'alpha_status',
] as const;

/** One row per layer and model; numbers in full precision, empty cells where unknown. */
export function reportToCsv(report: DocumentReport): string {
  const lines = [COLUMNS.join(',')];
  for (const model of report.models) {
    for (const l of model.layers) {
      const w = l.weights;
      const cells: (string | number | null | undefined)[] = [
        model.name, l.depth, l.nodeId, l.name, l.op, l.inputShape, l.outputShape, l.parameters, l.init,
        l.predictedQ, l.measuredQ, l.probeQ, l.chi, w?.sigmaW2, w?.spectralNorm, w?.stableRank, w?.alpha, w?.alphaStatus,
      ];
      lines.push(cells.map(csvCell).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The data behind one chart: a column per series, the first column is the x axis. Charts plot it and export it as is. */
export interface ChartTable {
  readonly id: 'loss' | 'q' | 'gradient' | 'phase' | 'lr-range';
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | null)[])[];
  /** Reference values the chart marks (e.g. the predicted learning-rate limit), exported with the table. */
  readonly marks: Readonly<Record<string, number | null>>;
}

/**
 * The chart tables of one model, in display order, from the server's report as sent (no theory is computed here):
 * loss curve, q by depth, gradient by depth, phase diagram, LR range test; a table is left out when it has no data.
 */
export function modelCharts(model: ModelReport): ChartTable[] {
  const tables: ChartTable[] = [];
  const curve = model.lossCurve;
  if (curve != null && curve.measured.length > 0) {
    const steps = Math.max(curve.measured.length, curve.predicted?.length ?? 0);
    tables.push({
      id: 'loss', title: `Training loss per step, predicted vs measured (lr ${curve.learningRate}, ${curve.optimizer})`,
      columns: ['step', 'measured_loss', 'predicted_loss'],
      rows: Array.from({ length: steps }, (_, t) => [t, curve.measured[t] ?? null, curve.predicted?.[t] ?? null]),
      marks: { learning_rate: curve.learningRate },
    });
  }
  const qRows = model.layers.filter(l => l.predictedQ != null || l.measuredQ != null || l.probeQ != null);
  if (qRows.length > 0) {
    tables.push({
      id: 'q', title: 'Forward variance q per layer by depth',
      columns: ['depth', 'predicted_q', 'measured_q_trainer', 'measured_q_onnxruntime'],
      rows: qRows.map(l => [l.depth, l.predictedQ, l.measuredQ, l.probeQ]),
      marks: {},
    });
  }
  const gradientRows = model.layers.filter(l => l.predictedGradient != null || l.measuredGradient != null);
  if (gradientRows.length > 0) {
    tables.push({
      id: 'gradient', title: 'Gradient norm by depth, ‖δˡ‖² / ‖δᴸ‖² (readout = 1)',
      columns: ['depth', 'predicted_gradient_ratio', 'measured_gradient_ratio'],
      rows: gradientRows.map(l => [l.depth, l.predictedGradient ?? null, l.measuredGradient ?? null]),
      marks: {},
    });
  }
  const phase = model.phaseDiagram;
  if (phase != null) {
    const rows: (number | null)[][] = phase.lineSigmaB2.map((b, i) => [b, phase.lineSigmaW2[i] ?? null, null]);
    const at = rows.findIndex(row => (row[0] as number) >= phase.sigmaB2);
    const modelRow = [phase.sigmaB2, null, phase.sigmaW2];
    if (at >= 0 && rows[at][0] === phase.sigmaB2) {
      rows[at][2] = phase.sigmaW2;
    } else if (at >= 0) {
      rows.splice(at, 0, modelRow);
    } else {
      rows.push(modelRow);
    }
    tables.push({
      id: 'phase', title: `Order/chaos phase diagram (${phase.activation}): critical line χ₁ = 1 and the model (${phase.phase})`,
      columns: ['sigma_b2', 'critical_sigma_w2', 'model_sigma_w2'],
      rows,
      marks: { model_sigma_w2: phase.sigmaW2, model_sigma_b2: phase.sigmaB2, model_chi1: phase.chi1 },
    });
  }
  const range = model.lrRange;
  if (range != null && range.rates.length > 0) {
    tables.push({
      id: 'lr-range', title: 'LR range test: loss vs learning rate',
      columns: ['learning_rate', 'loss', 'suggested'],
      rows: range.rates.map((lr, i) => [lr, range.losses[i] ?? null, lr === range.suggestedRate ? (range.losses[i] ?? null) : null]),
      marks: {
        suggested_rate: range.suggestedRate,
        predicted_eta_crit: range.predictedEtaCrit,
        predicted_divergence: range.predictedDivergence,
        measured_monotone_limit: model.lrLimit?.measuredMonotone ?? null,
      },
    });
  }
  return tables;
}

/** A chart table as CSV: the columns as the header, one line per row, empty cells where null. */
export function chartToCsv(table: ChartTable): string {
  return [table.columns.join(','), ...table.rows.map(row => row.map(csvCell).join(','))].join('\n') + '\n';
}

/** A chart table as JSON: title, columns, rows and marks. */
export function chartToJson(table: ChartTable): string {
  return JSON.stringify({ chart: table.id, title: table.title, columns: table.columns, rows: table.rows, marks: table.marks }, null, 2);
}
