using TorchSharp;

namespace LearningMechanics.Trainer.Runtime;

/// <summary>Loads libtorch, picks the device and sets the thread count. The first TorchSharp call of the process happens here.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads the native libraries; returns an actionable message instead of TorchSharp's when they cannot load.
    /// </summary>
    public static string? TryLoad()
    {
        var glibcxx = GlibcxxCheck.Diagnose(AppContext.BaseDirectory);
        if (glibcxx is not null)
            return glibcxx;
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e)
        {
            return $"libtorch could not be loaded from {AppContext.BaseDirectory}: {e.Message} " +
                   "Rebuild the trainer (`dotnet build server/LearningMechanics.Trainer`) so its output folder holds " +
                   "libLibTorchSharp.so and the libtorch libraries.";
        }
    }

    /// <summary>"auto" is CUDA when TorchSharp sees a CUDA device, else CPU; "cuda" without one is an error.</summary>
    public static (torch.Device? Device, string? Error) Select(string requested)
    {
        var cuda = torch.cuda.is_available();
        switch (requested.ToLowerInvariant())
        {
            case "auto":
                return (cuda ? torch.CUDA : torch.CPU, null);
            case "cpu":
                return (torch.CPU, null);
            case "cuda":
                return cuda
                    ? (torch.CUDA, null)
                    : (null, "device \"cuda\" was requested but TorchSharp sees no CUDA device; this trainer is built against " +
                             "TorchSharp-cpu. Use device \"auto\" or \"cpu\", or build the trainer with TorchSharp-cuda-linux (see README).");
            default:
                return (null, $"unknown device \"{requested}\"; use \"auto\", \"cpu\" or \"cuda\"");
        }
    }

    /// <summary>
    /// One thread for small work (parameters x largest batch below 2e8), else libtorch's default. Measured here on a
    /// shared 2-core machine: 50 full-batch steps of a 10-64-64-1 MLP took 0.33 s on 1 thread and 5.0 s on 2, because
    /// OpenMP workers spin against other processes when each op is tiny.
    /// </summary>
    public static int? DefaultThreads(LearningMechanics.Model.Graph.ModelGraph graph, IEnumerable<LearningMechanics.Trainer.Protocol.ExperimentRequest> experiments, torch.Device device)
    {
        if (device.type == DeviceType.CUDA)
            return null;
        var maxBatch = experiments.Select(e => (long)e.BatchSize).DefaultIfEmpty(1).Max();
        return graph.ParameterCount * maxBatch < 2e8 ? 1 : null;
    }

    public static int SetThreads(int? threads)
    {
        if (threads is int n && n > 0)
            torch.set_num_threads(n);
        return torch.get_num_threads();
    }
}
