using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer;

/// <summary>Writes protocol messages, one JSON line each, to the real stdout; everything else goes to stderr.</summary>
public sealed class MessageWriter(TextWriter stdout)
{
    private readonly Lock _lock = new();

    public void Write(TrainerMessage message)
    {
        var line = ProtocolJson.Serialize(message);
        lock (_lock)
        {
            stdout.Write(line);
            stdout.Write('\n');
            stdout.Flush();
        }
    }
}
