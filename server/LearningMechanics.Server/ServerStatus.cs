using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server;

/// <summary>
/// Tracks what the server is busy with and sends <see cref="Extensions.ServerStatusNotification"/> when the summary changes:
/// "validating n %" while a validation runs, else "analysing" while a document awaits analysis, else "ready".
/// </summary>
public sealed class ServerStatus(ClientConnection client)
{
    private readonly object _gate = new();
    private readonly HashSet<string> _analysing = new(StringComparer.Ordinal);
    private int _validations;
    private int _percentage;
    private ServerStatusParams? _lastSent;

    public void AnalysisStarted(string uri) => Update(() => _analysing.Add(uri));

    public void AnalysisEnded(string uri) => Update(() => _analysing.Remove(uri));

    public void ValidationStarted() => Update(() => { _validations++; _percentage = 0; });

    public void ValidationProgress(int percentage) => Update(() => _percentage = Math.Clamp(percentage, 0, 100));

    public void ValidationEnded() => Update(() => _validations = Math.Max(0, _validations - 1));

    /// <summary>Sends the current state even when it did not change (after initialized).</summary>
    public Task AnnounceAsync()
    {
        lock (_gate)
        {
            var current = Current();
            _lastSent = current;
            return client.NotifyAsync(Extensions.ServerStatusNotification, current);
        }
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
            var current = Current();
            if (current == _lastSent)
                return;
            _lastSent = current;
            // Started under the lock so that the notifications leave in the order of the changes.
            _ = client.NotifyAsync(Extensions.ServerStatusNotification, current);
        }
    }

    private ServerStatusParams Current() =>
        _validations > 0 ? new("ok", false, "validating", $"validating {_percentage} %", _percentage)
        : _analysing.Count > 0 ? new("ok", false, "analysing", $"analysing {_analysing.Count} document(s)")
        : new("ok", true, "ready", "ready");
}
