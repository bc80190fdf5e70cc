// Mirrors server/LearningMechanics.Server/Protocol/Extensions.cs (and the report records in
// server/LearningMechanics.Analysis/Editor/ModelReport.cs, sent as camelCase JSON); change both together.
// The Learning Mechanics additions to LSP that the client relies on, plus the client's own command ids.

/**
 * Server command run through `workspace/executeCommand`.
 * Arguments: `[uri: string, modelName?: string]`; the code lenses the server sends use the same command and arguments.
 */
export const VALIDATE_COMMAND = 'learningMechanics.validate';

/** Server commands with the same arguments: the trainer's lr-threshold bisection and LR range test (results: `LrLimitResult[]`, `LrRangeResult[]`). */
export const FIND_LR_LIMIT_COMMAND = 'learningMechanics.findLrLimit';
export const LR_RANGE_TEST_COMMAND = 'learningMechanics.lrRangeTest';

/** Client-only commands (never sent to the server). */
export const VALIDATE_ALL_COMMAND = 'learningMechanics.validateAll';
export const SHOW_REPORT_COMMAND = 'learningMechanics.showReport';
export const CANCEL_VALIDATION_COMMAND = 'learningMechanics.cancelValidation';
export const RESTART_SERVER_COMMAND = 'learningMechanics.restartServer';
export const SHOW_OUTPUT_COMMAND = 'learningMechanics.showOutput';

/** The read-only custom editor for `*.onnx` files. */
export const ONNX_EDITOR_VIEW_TYPE = 'learningMechanics.onnxReport';

/**
 * Server-to-client notification `learningMechanics/serverStatus`, modelled on rust-analyzer's
 * `experimental/serverStatus`. A server that never sends it still gets a correct status bar from the
 * client's own start/stop states.
 */
export const SERVER_STATUS_NOTIFICATION = 'learningMechanics/serverStatus';

export interface ServerStatusParams {
  /** `ok`: working normally; `warning`: degraded (for example the trainer is unavailable); `error`: not usable. */
  readonly health: 'ok' | 'warning' | 'error';
  /** False while the server is analysing or validating; true when it is idle. */
  readonly quiescent: boolean;
  /** `ready`, `analysing` or `validating`; absent from older servers. */
  readonly state?: 'ready' | 'analysing' | 'validating';
  /** One line shown in the status bar tooltip. */
  readonly message?: string;
  /** Progress of a validation, 0–100, while `state` is `validating`. */
  readonly percentage?: number;
}

/** Client-to-server request `learningMechanics/report`: a document's per-layer report. */
export const REPORT_REQUEST = 'learningMechanics/report';

export interface ReportParams {
  readonly uri: string;
  readonly modelName?: string;
}

/**
 * Mirrors `DocumentReport`. The server omits null fields (JSON `WhenWritingNull`), so a `| null` field may also be
 * missing: test it with `== null`.
 */
export interface DocumentReport {
  readonly path: string;
  readonly models: readonly ModelReport[];
  readonly onnx: OnnxFileReport | null;
  readonly findings: readonly string[];
}

/** Mirrors `ModelReport`; `layers` holds at most 2000 rows, `totalLayers` counts them all. */
export interface ModelReport {
  readonly name: string;
  readonly parameters: number;
  readonly parametersExact: boolean;
  readonly depth: number;
  readonly phase: string;
  readonly chi1: number | null;
  readonly trainableDepth: number | null;
  readonly learningRate: ReportLearningRate | null;
  readonly validation: ReportValidation | null;
  readonly layers: readonly ReportLayer[];
  readonly totalLayers: number;
  readonly phaseDiagram?: ReportPhaseDiagram | null;
  readonly lossCurve?: ReportLossCurve | null;
  readonly lrLimit?: LrLimitResult | null;
  readonly lrRange?: LrRangeResult | null;
}

/** Mirrors `ReportPhaseDiagram`: the critical line chi_1 = 1 sampled along sigma_b^2 (null where absent) and the model's point. */
export interface ReportPhaseDiagram {
  readonly activation: string;
  readonly sigmaW2: number;
  readonly sigmaB2: number;
  readonly chi1: number | null;
  readonly phase: string;
  readonly lineSigmaB2: readonly number[];
  readonly lineSigmaW2: readonly (number | null)[];
}

/** Mirrors `ReportLossCurve`: loss per step, measured and (when the closed form applies) predicted by the server. */
export interface ReportLossCurve {
  readonly learningRate: number;
  readonly optimizer: string;
  readonly measured: readonly number[];
  readonly predicted: readonly number[] | null;
  readonly predictionNote: string | null;
  readonly task: string;
}

/** Mirrors `LrLimitResult` (Analysis/Validation/LrExperiments.cs). */
export interface LrLimitResult {
  readonly modelName: string;
  readonly measuredMonotone: number | null;
  readonly measuredThreshold: number | null;
  readonly predictedEtaCrit: number | null;
  readonly predictedDivergence: number | null;
  /** `confirmed`, `refuted`, `not scored`, `measured` (no prediction) or `failed`. */
  readonly outcome: string;
  readonly headline: string;
  readonly note: string;
  readonly device: string;
  readonly elapsedSeconds: number;
}

/** Mirrors `LrRangeResult`: loss per rate of the sweep (null where non-finite) and the suggested rate. */
export interface LrRangeResult {
  readonly modelName: string;
  readonly rates: readonly number[];
  readonly losses: readonly (number | null)[];
  readonly suggestedRate: number | null;
  readonly minLossRate: number | null;
  readonly divergenceRate: number | null;
  readonly predictedEtaCrit: number | null;
  readonly predictedDivergence: number | null;
  readonly headline: string;
  readonly note: string;
  readonly device: string;
  readonly elapsedSeconds: number;
}

export interface ReportLearningRate {
  readonly optimizer: string;
  readonly declared: number | null;
  readonly monotoneLimit: number | null;
  readonly divergenceLimit: number | null;
  readonly convention: string;
}

export interface ReportValidation {
  readonly headline: string;
  readonly outcome: string;
  readonly device: string;
  /** Wall time of the trainer run, in seconds. */
  readonly elapsedSeconds: number;
}

/** Mirrors `ReportLayer`: q values are means of squared outputs (THEORY.md §2); null where unknown. */
export interface ReportLayer {
  readonly nodeId: number;
  readonly depth: number;
  readonly name: string;
  readonly op: string;
  readonly description: string;
  readonly inputShape: string;
  readonly outputShape: string;
  readonly parameters: number;
  readonly init: string | null;
  readonly predictedQ: number | null;
  readonly measuredQ: number | null;
  readonly probeQ: number | null;
  readonly chi: number | null;
  readonly weights: ReportWeights | null;
  /** ||delta^l||^2 / ||delta^L||^2 at a weight layer, predicted and measured (THEORY.md §4.1). */
  readonly predictedGradient?: number | null;
  readonly measuredGradient?: number | null;
}

export interface ReportWeights {
  readonly initializer: string;
  readonly shape: string;
  readonly mean: number;
  readonly variance: number;
  /** Var(W)·fan_in. */
  readonly sigmaW2: number;
  readonly spectralNorm: number | null;
  readonly stableRank: number | null;
  readonly alpha: number | null;
  /** `Success`, `Failed`, `Skipped`, or `Pending` while the server is still computing the spectra (the ONNX second phase). */
  readonly alphaStatus: 'Success' | 'Failed' | 'Skipped' | 'Pending';
  readonly alphaNote: string | null;
}

export interface OnnxFileReport {
  readonly fileBytes: number;
  readonly irVersion: number;
  readonly producer: string;
  readonly opsets: string;
  readonly graphName: string;
  readonly parameterCount: number;
  readonly nodeCount: number;
  readonly unknownOps: readonly string[];
  readonly probeBatchSize: number | null;
  /** Wall time of the ONNX Runtime probe, in milliseconds. */
  readonly probeMilliseconds: number | null;
  readonly probeNotes: readonly string[];
}
