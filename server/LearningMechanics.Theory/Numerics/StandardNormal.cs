namespace LearningMechanics.Theory.Numerics;

/// <summary>Standard normal draws from a seeded <see cref="Random"/> (Box–Muller), for the synthetic samples and simulations.</summary>
internal static class StandardNormal
{
    public static double Sample(Random random)
    {
        // 1 - NextDouble() is in (0, 1], so the log is finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
