namespace LearningMechanics.Theory.Numerics;

/// <summary>
/// Standard normals from xoshiro256** (seeded by splitmix64) by Box–Muller, two per pair of uniforms: the weights of one
/// drawn network are millions of numbers, which <see cref="Random"/> with one normal per pair would make twice as costly.
/// </summary>
internal sealed class GaussianSource(int seed)
{
    private ulong _s0 = SplitMix(0x9E3779B97F4A7C15UL * (ulong)(seed + 1)), _s1 = SplitMix(0xBF58476D1CE4E5B9UL + (ulong)seed),
        _s2 = SplitMix(0x94D049BB133111EBUL ^ (ulong)seed), _s3 = SplitMix(0x2545F4914F6CDD1DUL + 3 * (ulong)seed);

    public void Fill(Span<double> target, double scale = 1)
    {
        for (var idx = 0; idx < target.Length; idx += 2)
        {
            var u1 = (NextUlong() >> 11) * (1.0 / (1UL << 53));
            var u2 = (NextUlong() >> 11) * (1.0 / (1UL << 53));
            var radius = scale * Math.Sqrt(-2 * Math.Log(1 - u1));
            var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
            target[idx] = radius * cos;
            if (idx + 1 < target.Length)
                target[idx + 1] = radius * sin;
        }
    }

    private ulong NextUlong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
