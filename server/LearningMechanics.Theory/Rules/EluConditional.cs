using static MathNet.Numerics.SpecialFunctions;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// Closed-form Gaussian expectations of the ELU family phi(x) = lambda x (x &gt; 0), lambda alpha (e^x - 1) (x &lt;= 0)
/// (ELU: lambda = 1; SELU: Klambauer et al. 2017's constants) over v ~ N(m, s^2):
/// </summary>
/// <remarks>
/// With a = m/s and Phi, phi_N the standard normal CDF and density:
///   E[v 1(v&gt;0)]       = m Phi(a) + s phi_N(a)
///   E[e^v 1(v&lt;0)]     = e^{m + s^2/2} Phi(-a - s)        (complete the square)
///   E[phi(v)]  = lambda (m Phi(a) + s phi_N(a)) + lambda alpha (e^{m + s^2/2} Phi(-a - s) - Phi(-a))
///   E[phi'(v)] = lambda Phi(a) + lambda alpha e^{m + s^2/2} Phi(-a - s)
/// So the bivariate moments E[phi(u1) phi(u2)] need only a 1-D integral over u1 (split at the kink), the conditional law of
/// u2 given u1 being Gaussian. The product e^{m + s^2/2} Phi(-x), x = a + s, is formed as exp(m + s^2/2 + ln Phi(-x)) while
/// Phi(-x) is representable, and from the Mills-ratio series e^{-a^2/2} (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8)/(x sqrt(2 pi))
/// beyond (m + s^2/2 - x^2/2 = -a^2/2; truncation error 945/x^10 &lt; 2e-12 relative for x &gt;= 30). Evidence: [D].
/// </remarks>
internal sealed record EluConditional(double Lambda, double Alpha)
{
    private const double InverseSqrtTwoPi = 0.3989422804014327;

    /// <summary>(E[phi(m + s z)], E[phi'(m + s z)]) for s &gt; 0.</summary>
    public (double Value, double Slope) Expect(double m, double s)
    {
        var a = m / s;
        var positive = NormalCdf(a);
        var negative = NormalCdf(-a);
        var shifted = ExpTimesTail(m, s, a);
        var value = Lambda * (m * positive + s * InverseSqrtTwoPi * Math.Exp(-0.5 * a * a)) + Lambda * Alpha * (shifted - negative);
        var slope = Lambda * positive + Lambda * Alpha * shifted;
        return (value, slope);
    }

    /// <summary>e^{m + s^2/2} Phi(-(a + s)).</summary>
    private static double ExpTimesTail(double m, double s, double a)
    {
        var x = a + s;
        if (x < 30)
            return Math.Exp(m + 0.5 * s * s + Math.Log(NormalCdf(-x)));
        var inverse2 = 1 / (x * x);
        var series = 1 + inverse2 * (-1 + inverse2 * (3 + inverse2 * (-15 + inverse2 * 105)));
        return Math.Exp(-0.5 * a * a) * series * InverseSqrtTwoPi / x;
    }

    private static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));
}
