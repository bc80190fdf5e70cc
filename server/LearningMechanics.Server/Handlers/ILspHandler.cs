namespace LearningMechanics.Server.Handlers;

/// <summary>One handler per LSP method, as in Roslyn's CLaSP. <see cref="MutatesState"/> handlers run to completion in message order.</summary>
public interface ILspHandler
{
    string Method { get; }

    bool MutatesState { get; }
}

public interface IRequestHandler<TParams, TResult> : ILspHandler
{
    Task<TResult> HandleAsync(TParams request, CancellationToken cancellationToken);
}

public interface INotificationHandler<TParams> : ILspHandler
{
    Task HandleAsync(TParams notification, CancellationToken cancellationToken);
}
