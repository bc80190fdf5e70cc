// Turns whatever VS Code passes to `learningMechanics.validate` into the server's `[uri, modelName?]`.
// Design note: no runtime `vscode` import, so these rules are unit-tested in plain Node.

/** Arguments of the server's validate command: a document URI and, optionally, one model in it. */
export type ValidateArguments = [uri: string] | [uri: string, modelName: string];

/**
 * The command is invoked three ways, and each passes different arguments:
 * a code lens passes `[uriString, modelName?]` as the server wrote them; the explorer and editor context
 * menus pass a `vscode.Uri`; the command palette passes nothing, which means "the active editor".
 * Returns undefined when no document can be determined.
 */
export function toValidateArguments(args: readonly unknown[], activeDocumentUri: string | undefined): ValidateArguments | undefined {
  const uri = uriText(args[0]) ?? activeDocumentUri;
  if (uri === undefined) {
    return undefined;
  }
  const modelName = args[1];
  return typeof modelName === 'string' && modelName !== '' ? [uri, modelName] : [uri];
}

/** A URI string, or anything URI-like (`vscode.Uri` has `scheme` and a `toString()` that gives the URI). */
function uriText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value === '' ? undefined : value;
  }
  if (typeof value === 'object' && value !== null && typeof (value as { scheme?: unknown }).scheme === 'string') {
    return String(value);
  }
  return undefined;
}

/**
 * One line for a notification from the server's validate result. The server returns one summary per model,
 * `{ model, headline, message, ... }`, shown as "model: headline — message"; any other shape is shown as JSON.
 */
export function describeValidateResult(result: unknown): string {
  if (result === null || result === undefined) {
    return 'Validation finished.';
  }
  if (Array.isArray(result)) {
    return result.length === 0 ? 'Validation finished: no model was validated.' : result.map(describeOneModel).join(' · ');
  }
  return describeOneModel(result);
}

function describeOneModel(summary: unknown): string {
  if (typeof summary === 'string') {
    return summary;
  }
  if (typeof summary === 'object' && summary !== null) {
    const { model, headline, message } = summary as { model?: unknown; headline?: unknown; message?: unknown };
    const parts = [headline, message].filter((part): part is string => typeof part === 'string' && part !== '');
    const text = parts.length === 0 ? undefined : parts[0] === parts[1] ? parts[0] : parts.join(' — ');
    if (text !== undefined) {
      return typeof model === 'string' ? `${model}: ${text}` : text;
    }
  }
  return `Validation finished: ${JSON.stringify(summary)}`;
}

/** One line for "Find learning-rate limit": the server's headline per model (`LrLimitResult[]`). */
export function describeLrLimit(result: unknown): string {
  return describeHeadlines(result, 'Learning-rate limit');
}

/** One line for "Run LR range test": the server's headline per model (`LrRangeResult[]`). */
export function describeLrRange(result: unknown): string {
  return describeHeadlines(result, 'LR range test');
}

function describeHeadlines(result: unknown, what: string): string {
  const items = Array.isArray(result) ? result : [result];
  const lines = items
    .filter((item): item is { modelName?: unknown; headline?: unknown } => typeof item === 'object' && item !== null)
    .map(item => (typeof item.modelName === 'string' ? `${item.modelName}: ` : '') + (typeof item.headline === 'string' ? item.headline : 'done'));
  return lines.length === 0 ? `${what}: no model was measured.` : `${what} — ${lines.join(' · ')}`;
}
