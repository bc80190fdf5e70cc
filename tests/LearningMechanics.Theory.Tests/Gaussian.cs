namespace LearningMechanics.Theory.Tests;

/// <summary>Seeded standard normal draws for the tests (Box–Muller).</summary>
internal static class Gaussian
{
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
