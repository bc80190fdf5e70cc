using System.Diagnostics;
using LearningMechanics.Analysis;

namespace LearningMechanics.Server.Scheduling;

/// <summary>
/// Cold-start work done once per process on a background thread as soon as the client initializes: a tiny TorchSharp
/// model (ReLU, Tanh and GELU layers, SGD and Adam) through the reader and the theory, so that Roslyn's parser and
/// binder are JIT-compiled and the theory's memoised tables exist before the first real document arrives. The snippet is
/// analysed like any text (parsed and bound, never compiled or run) by an analyser of its own, so no cache sees it.
/// </summary>
public static class WarmUp
{
    private const string Snippet = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        public static class WarmUpModels
        {
            public static void Build()
            {
                var relu = Sequential(("fc1", Linear(16, 32)), ("relu", ReLU()), ("fc2", Linear(32, 4)));
                var tanh = Sequential(Linear(16, 32), Tanh(), Linear(32, 32), GELU(), Linear(32, 4));
                var sgd = torch.optim.SGD(relu.parameters(), 0.01);
                var adam = torch.optim.Adam(tanh.parameters(), lr: 1e-3);
                var loss = CrossEntropyLoss();
                var mse = MSELoss();
            }
        }
        """;

    private static int s_started;

    /// <summary>Set to 0 to turn the warm-up off (the latency bench compares both in one run).</summary>
    public const string EnvironmentVariable = "LMECH_WARMUP";

    /// <summary>Starts the warm-up once per process; later calls return a completed task.</summary>
    public static Task StartOnce(Log log)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) == "0" || Interlocked.Exchange(ref s_started, 1) == 1)
            return Task.CompletedTask;
        return Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var analysis = new Analyzer().Analyze("/learning-mechanics/warm-up/WarmUp.cs", Snippet);
                log.Info($"warm-up: {analysis.Models.Length} model(s) analysed in {clock.Elapsed.TotalMilliseconds:F0} ms");
            }
            catch (Exception ex)
            {
                // Design note: the warm-up only saves time; a failure must not affect the session.
                log.Error($"warm-up failed after {clock.Elapsed.TotalMilliseconds:F0} ms: {ex.Message}");
            }
        });
    }
}
