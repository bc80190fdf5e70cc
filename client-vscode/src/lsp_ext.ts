// The Learning Mechanics additions to LSP that the client relies on.
// Mirrors server/LearningMechanics.Server/Protocol/Extensions.cs; change both together.

/**
 * Server command run through `workspace/executeCommand`.
 * Arguments: `[uri: string, modelName?: string]`; the code lenses the server sends use the same command and arguments.
 */
export const VALIDATE_COMMAND = 'learningMechanics.validate';

/** Client-only commands (never sent to the server). */
export const RESTART_SERVER_COMMAND = 'learningMechanics.restartServer';
export const SHOW_OUTPUT_COMMAND = 'learningMechanics.showOutput';

/**
 * Optional server-to-client notification `learningMechanics/serverStatus`, modelled on rust-analyzer's
 * `experimental/serverStatus`. A server that never sends it still gets a correct status bar from the
 * client's own start/stop states.
 */
export const SERVER_STATUS_NOTIFICATION = 'learningMechanics/serverStatus';

export interface ServerStatusParams {
  /** `ok`: working normally; `warning`: degraded (for example the trainer is unavailable); `error`: not usable. */
  readonly health: 'ok' | 'warning' | 'error';
  /** False while the server is still analysing (loading, training); true when it is idle. */
  readonly quiescent: boolean;
  /** One line shown in the status bar tooltip. */
  readonly message?: string;
}
