using System.Collections.Concurrent;

namespace LearningMechanics.Server.Queue;

/// <summary>
/// Runs posted callbacks one at a time, in the order they were posted, on one dedicated thread.
/// </summary>
/// <remarks>
/// Design note: StreamJsonRpc posts each incoming message's handler invocation to <c>JsonRpc.SynchronizationContext</c>
/// in the order it reads them. Handlers run their synchronous prefix here, so didOpen/didChange apply in message order and
/// a hover sees the text as of its own place in the stream (Roslyn's RequestExecutionQueue gives the same guarantee).
/// Handlers leave this context with <c>ConfigureAwait(false)</c> before any long work.
/// </remarks>
public sealed class OrderedSynchronizationContext : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly Thread _thread;

    public OrderedSynchronizationContext()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "lsp-ordered-queue" };
        _thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (!_queue.IsAddingCompleted)
            _queue.Add((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("synchronous Send would deadlock the ordered queue");

    public override SynchronizationContext CreateCopy() => this;

    public void Dispose() => _queue.CompleteAdding();

    private void Run()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            try
            {
                callback(state);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"[queue] unhandled exception in handler: {ex}");
            }
        }
    }
}
