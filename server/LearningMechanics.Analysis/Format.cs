using System.Globalization;

namespace LearningMechanics.Analysis;

/// <summary>Number formatting shared by hovers, lenses, findings and the CLI: invariant culture, 3 significant figures.</summary>
public static class Format
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double value)
    {
        if (double.IsPositiveInfinity(value))
            return "∞";
        if (double.IsNaN(value))
            return "n/a";
        var magnitude = Math.Abs(value);
        return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5)
            ? value.ToString("0.##e+0", CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
    }

    /// <summary>A ratio as "×1/6.0" when it shrinks and "×2.0" when it grows.</summary>
    public static string Factor(double ratio) =>
        ratio < 1 && ratio > 0 ? $"×1/{(1 / ratio).ToString("0.0", CultureInfo.InvariantCulture)}" : $"×{ratio.ToString("0.0##", CultureInfo.InvariantCulture)}";
}
