using System.Diagnostics;

namespace LearningMechanics.Bench.Lsp;

/// <summary>Percentiles and /proc readings of the server process.</summary>
public static class Measure
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var rank = Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[rank];
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>Resident set (VmRSS) and its peak (VmHWM) in MB, from /proc/pid/status.</summary>
    public static (double RssMb, double PeakMb) Memory(int pid)
    {
        double Read(string key) =>
            File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => double.Parse(l[key.Length..].Trim().Split(' ')[0]) / 1024.0).FirstOrDefault();
        return (Read("VmRSS:"), Read("VmHWM:"));
    }

    /// <summary>User + system CPU seconds the process has used (/proc/pid/stat, clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    /// <summary>Direct children of a process (/proc/*/stat, field ppid).</summary>
    public static List<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var candidate))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) == pid)
                    children.Add(candidate);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }

    public static double Ms(Stopwatch clock) => clock.Elapsed.TotalMilliseconds;
}
