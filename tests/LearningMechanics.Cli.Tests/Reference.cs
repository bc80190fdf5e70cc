namespace LearningMechanics.Cli.Tests;

/// <summary>
/// An independent brute-force mean-field implementation for the tests (not the engine's code): Gaussian expectations by
/// the trapezoid rule on a uniform grid (spectrally accurate for smooth integrands with Gaussian decay), q* by iteration,
/// critical lines by a scan plus bisection, c* by bisection on c-map(c) - c (THEORY.md Appendix A1, A2).
/// </summary>
internal sealed class Reference(Func<double, double> phi, Func<double, double> phiPrime)
{
    public static Reference Tanh { get; } = new(Math.Tanh, x => 1 - Math.Tanh(x) * Math.Tanh(x));

    public static Reference Erf { get; } = new(x => MathNet.Numerics.SpecialFunctions.Erf(x), x => 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x));

    private const double Half = 10, Step = 0.02;
    private static readonly double[] s_nodes = Enumerable.Range(0, (int)(2 * Half / Step) + 1).Select(i => -Half + i * Step).ToArray();
    private static readonly double[] s_weights = s_nodes.Select(z => Step * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI)).ToArray();

    private static readonly double[] s_nodes2 = Enumerable.Range(0, 321).Select(i => -8 + i * 0.05).ToArray();
    private static readonly double[] s_weights2 = s_nodes2.Select(z => 0.05 * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI)).ToArray();

    public static double Expect(Func<double, double> f)
    {
        var sum = 0.0;
        for (var i = 0; i < s_nodes.Length; i++)
            sum += s_weights[i] * f(s_nodes[i]);
        return sum;
    }

    public double QStar(double sigmaW2, double sigmaB2)
    {
        var q = 1.0;
        for (var i = 0; i < 100_000; i++)
        {
            var next = sigmaW2 * Expect(z => Square(phi(Math.Sqrt(q) * z))) + sigmaB2;
            if (Math.Abs(next - q) < 1e-14)
                return next;
            q = next;
        }
        return q;
    }

    public double Chi1(double sigmaW2, double sigmaB2)
    {
        var q = QStar(sigmaW2, sigmaB2);
        return sigmaW2 * Expect(z => Square(phiPrime(Math.Sqrt(q) * z)));
    }

    public double CriticalSigmaW2(double sigmaB2)
    {
        double lo = 0.2, hi = lo;
        while (Chi1(hi, sigmaB2) < 1)
        {
            lo = hi;
            hi += 0.1;
        }
        for (var i = 0; i < 50; i++)
        {
            var mid = (lo + hi) / 2;
            if (Chi1(mid, sigmaB2) < 1)
                lo = mid;
            else
                hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>E[g(u1, u2)] with u1 = sqrt(q) z1, u2 = sqrt(q)(c z1 + sqrt(1 - c²) z2), on a 321 x 321 grid.</summary>
    public static double Expect2(Func<double, double, double> g, double q, double c)
    {
        var (root, s) = (Math.Sqrt(q), Math.Sqrt(1 - c * c));
        var sum = 0.0;
        for (var i = 0; i < s_nodes2.Length; i++)
        {
            var u1 = root * s_nodes2[i];
            var inner = 0.0;
            for (var j = 0; j < s_nodes2.Length; j++)
                inner += s_weights2[j] * g(u1, root * (c * s_nodes2[i] + s * s_nodes2[j]));
            sum += s_weights2[i] * inner;
        }
        return sum;
    }

    /// <summary>(c*, chi_c, xi_c) in the chaotic phase: the root of c-map(c) - c below 1.</summary>
    public (double CStar, double ChiC, double XiC) CorrelationFixedPoint(double sigmaW2, double sigmaB2)
    {
        var q = QStar(sigmaW2, sigmaB2);
        double Excess(double c) => (sigmaW2 * Expect2((u, v) => phi(u) * phi(v), q, c) + sigmaB2) / q - c;
        double lo = 0, hi = 0.999;
        Assert.True(Excess(lo) > 0 && Excess(hi) < 0, "the reference bracket does not hold");
        for (var i = 0; i < 40; i++)
        {
            var mid = (lo + hi) / 2;
            if (Excess(mid) > 0)
                lo = mid;
            else
                hi = mid;
        }
        var cStar = (lo + hi) / 2;
        var chiC = sigmaW2 * Expect2((u, v) => phiPrime(u) * phiPrime(v), q, cStar);
        return (cStar, chiC, -1 / Math.Log(chiC));
    }

    /// <summary>NTK-parameterization NNGP and NTK of a ReLU MLP on two unit inputs with cosine c, by the arc-cosine formulas
    /// written out here (Cho & Saul 2009; THEORY.md §6.1).</summary>
    public static (double SigmaDiag, double SigmaOff, double ThetaDiag, double ThetaOff) ReluNtk(int hidden, double sigmaW2, double sigmaB2, double cosine)
    {
        double qDiag = sigmaW2 + sigmaB2, qOff = sigmaW2 * cosine + sigmaB2;
        double tDiag = qDiag, tOff = qOff;
        for (var l = 0; l < hidden; l++)
        {
            var angle = Math.Acos(Math.Clamp(qOff / qDiag, -1, 1));
            var phiPhiOff = qDiag / (2 * Math.PI) * (Math.Sin(angle) + (Math.PI - angle) * Math.Cos(angle));
            var dotOff = (Math.PI - angle) / (2 * Math.PI);
            var nextDiag = sigmaW2 * qDiag / 2 + sigmaB2;
            var nextOff = sigmaW2 * phiPhiOff + sigmaB2;
            tDiag = nextDiag + sigmaW2 * 0.5 * tDiag;
            tOff = nextOff + sigmaW2 * dotOff * tOff;
            (qDiag, qOff) = (nextDiag, nextOff);
        }
        return (qDiag, qOff, tDiag, tOff);
    }

    private static double Square(double x) => x * x;
}
