using System.Collections.Immutable;
using LearningMechanics.Trainer.Protocol;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// Experiments that exist to test the supervisor: a libtorch abort and a long sleep. The job runner refuses them
/// unless the environment variable <see cref="EnableVariable"/> is "1".
/// </summary>
public static class DebugExperiments
{
    public const string EnableVariable = "LMECH_TRAINER_DEBUG";

    public static bool Enabled => Environment.GetEnvironmentVariable(EnableVariable) == "1";

    public sealed class Abort : IExperiment
    {
        public string Kind => ExperimentKinds.DebugAbort;

        public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
        {
            Console.Error.WriteLine("debug-abort: multiplying a [2, 3] by a [4, 5] matrix, which libtorch rejects");
            using var left = ones(2, 3);
            using var right = ones(4, 5);
            using var product = left.matmul(right);
            // TorchSharp may turn the c10::Error into a managed exception; the point is a dead process, so make sure.
            Environment.FailFast("debug-abort: libtorch did not abort the process; failing fast instead");
            return null!; // Unreachable: FailFast does not return.
        }
    }

    public sealed class Sleep : IExperiment
    {
        public string Kind => ExperimentKinds.DebugSleep;

        public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
        {
            var seconds = request.Parameter("seconds", 60);
            context.Progress(0.0, $"sleeping {seconds} s");
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            return new ExperimentResult(Kind, [], ImmutableDictionary<string, double>.Empty.Add("slept-seconds", seconds));
        }
    }
}
