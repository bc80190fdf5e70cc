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

    public static int SetThreads(int? threads)
    {
        if (threads is int n && n > 0)
            torch.set_num_threads(n);
        return torch.get_num_threads();
    }
}
