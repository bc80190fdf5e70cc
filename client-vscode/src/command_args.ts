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

/** One line for a notification from the server's validate result, whatever shape the server chose. */
export function describeValidateResult(result: unknown): string {
  if (result === null || result === undefined) {
    return 'Validation finished.';
  }
  if (typeof result === 'string') {
    return result;
  }
  if (typeof result === 'object') {
    const message = (result as { message?: unknown; summary?: unknown }).message ?? (result as { summary?: unknown }).summary;
    if (typeof message === 'string') {
      return message;
    }
  }
  return `Validation finished: ${JSON.stringify(result)}`;
}
