namespace LearningMechanics.Server;

/// <summary>Logs to stderr: stdout carries only JSON-RPC.</summary>
public sealed class Log(TextWriter writer)
{
    private readonly object _gate = new();

    public void Info(string message) => Write("info", message);

    public void Error(string message) => Write("error", message);

    private void Write(string level, string message)
    {
        lock (_gate)
            writer.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff} {level}] {message}");
    }
}
