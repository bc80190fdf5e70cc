using LearningMechanics.Analysis;
using LearningMechanics.Server.Conversions;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>textDocument/hover on a layer constructor (shapes, parameters, init, signal and gradient gain) or an optimizer call.</summary>
public sealed class HoverHandler(ServerState state) : IRequestHandler<TextDocumentPositionParams, Hover?>
{
    public string Method => "textDocument/hover";

    public bool MutatesState => false;

    public async Task<Hover?> HandleAsync(TextDocumentPositionParams request, CancellationToken cancellationToken)
    {
        var document = state.Resolve(request.TextDocument.Uri);
        if (document is null)
            return null;
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        var hover = Hovers.At(analysis, request.Position.Line, request.Position.Character);
        return hover is null ? null : ToLsp.Hover(hover);
    }
}
