using LearningMechanics.Theory.Rules;
using MathNet.Numerics.RootFinding;

namespace LearningMechanics.Theory.MeanField;

/// <summary>Length and correlation maps of a deep stack of identical layers: fixed points, chi_1, depth scales, critical lines.</summary>
/// <remarks>
/// q-map  q^{l+1} = sigma_w^2 E[phi(sqrt(q^l) z)^2] + sigma_b^2                                      THEORY.md §2
/// c-map  c^{l+1} = [sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2] / q*,  u1 = sqrt(q*) z1, u2 = sqrt(q*)(c z1 + sqrt(1-c^2) z2)
/// chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2];  xi_c = -1/ln(sigma_w^2 E[phi'(u1) phi'(u2)] at c*);
/// xi_q = -1/ln(sigma_w^2 d/dq E[phi^2] at q*).                                                      THEORY.md §3
/// Source: Poole et al. 2016; Schoenholz et al. 2017. Evidence: [C] (our numerics reproduce THEORY.md §16 rows 1–8).
/// Numerics as THEORY.md §15: q* by iteration (tolerance 1e-13), c* by iteration from 0.5 (up to 5000 steps),
/// critical lines by Brent's method on chi_1(sigma_w^2) - 1.
/// Regime: infinite width, Gaussian i.i.d. init, a plain stack (no normalisation, residuals or dropout).
/// </remarks>
public static class MeanFieldTheory
{
    /// <summary>|chi_1 - 1| within this counts as critical.</summary>
    public const double PhaseTolerance = 0.01;

    private const int MaxLengthIterations = 5000;
    private const int MaxCorrelationIterations = 5000;
    private const double Divergent = 1e12;

    public static MeanFieldPoint Solve(ActivationRule phi, double sigmaW2, double sigmaB2)
    {
        var (qStar, converged) = FixedPointQ(phi, sigmaW2, sigmaB2);
        var qEval = double.IsFinite(qStar) ? qStar : Divergent;
        var chi1 = sigmaW2 * phi.SlopeSecondMoment(qEval);
        var phase = PhaseOf(chi1);
        var lengthFactor = phi is AbReluRule abRelu
            ? sigmaW2 * abRelu.MeanSlope2
            : qEval > 0 ? sigmaW2 * phi.SecondMoment(qEval) / qEval : sigmaW2 * phi.SlopeAtZero * phi.SlopeAtZero;
        var xiQSlope = sigmaW2 * phi.LengthMapSlope(qEval);
        var xiQ = DepthScale(xiQSlope);

        // A positively homogeneous phi with no bias (or an exploding length) has a c-map that does not depend on q, and
        // its slope at c = 1 is exactly 1: correlations converge polynomially, xi_c is infinite (THEORY.md §3, §18).
        if (phi.IsPositivelyHomogeneous && (sigmaB2 == 0 || !double.IsFinite(qStar)))
            return new MeanFieldPoint(phi.Name, sigmaW2, sigmaB2, qStar, chi1, phase, 1, 1, double.PositiveInfinity, xiQ, lengthFactor, converged);

        double cStar = 1, chiC = chi1;
        if (chi1 > 1 + 1e-12 && qEval > 0)
        {
            (cStar, var cConverged) = FixedPointC(phi, sigmaW2, sigmaB2, qEval);
            converged &= cConverged;
            chiC = sigmaW2 * (phi.TableFor(qEval, qEval) is { } table ? table.At(cStar).D : phi.Moments(qEval, qEval, cStar * qEval).SigmaDot);
        }
        return new MeanFieldPoint(phi.Name, sigmaW2, sigmaB2, qStar, chi1, phase, cStar, chiC, DepthScale(chiC), xiQ, lengthFactor, converged);
    }

    /// <summary>The length fixed point q* and whether the iteration converged; +infinity when the length diverges.</summary>
    public static (double QStar, bool Converged) FixedPointQ(ActivationRule phi, double sigmaW2, double sigmaB2)
    {
        if (phi is AbReluRule abRelu)
        {
            var slope = sigmaW2 * abRelu.MeanSlope2;
            if (slope < 1)
                return (sigmaB2 / (1 - slope), true);
            return (sigmaB2 == 0 && slope == 1 ? 0 : double.PositiveInfinity, true);
        }
        // Odd-like phi with phi(0) = 0 and no bias: q* = 0 is the fixed point, stable while sigma_w^2 phi'(0)^2 <= 1.
        if (sigmaB2 == 0 && phi.ValueAtZero == 0 && sigmaW2 * phi.SlopeAtZero * phi.SlopeAtZero <= 1)
            return (0, true);
        var q = 1.0;
        for (var iteration = 0; iteration < MaxLengthIterations; iteration++)
        {
            var next = sigmaW2 * phi.SecondMoment(q) + sigmaB2;
            if (next > Divergent)
                return (double.PositiveInfinity, true);
            if (Math.Abs(next - q) <= 1e-13 * (1 + q))
                return (next, true);
            q = next;
        }
        return (q, false);
    }

    /// <summary>The stable correlation fixed point c* &lt; 1 of the c-map at length q (chaotic phase), iterated from 0.5.</summary>
    public static (double CStar, bool Converged) FixedPointC(ActivationRule phi, double sigmaW2, double sigmaB2, double q)
    {
        // Up to thousands of c-map steps near criticality: read them from the tabulated map when phi has one.
        var table = phi.TableFor(q, q);
        var c = 0.5;
        for (var iteration = 0; iteration < MaxCorrelationIterations; iteration++)
        {
            var next = table is null
                ? CorrelationMap(phi, sigmaW2, sigmaB2, q, c)
                : Math.Clamp((sigmaW2 * table.At(c).F + sigmaB2) / q, -1, 1);
            if (Math.Abs(next - c) <= 1e-12)
                return (next, true);
            c = next;
        }
        return (c, false);
    }

    /// <summary>One step of the c-map at fixed length q: [sigma_w^2 E[phi(u1)phi(u2)] + sigma_b^2] / q.</summary>
    public static double CorrelationMap(ActivationRule phi, double sigmaW2, double sigmaB2, double q, double c) =>
        Math.Clamp((sigmaW2 * phi.Covariance(q, q, c * q) + sigmaB2) / q, -1, 1);

    /// <summary>
    /// The critical line: sigma_w^2 with chi_1(sigma_w^2, sigma_b^2) = 1 at q*. With sigma_b = 0 and phi(0) = 0 it is
    /// 1/phi'(0)^2 exactly (tanh: 1, erf: pi/4; THEORY.md §3) [D]; otherwise Brent's method on a bracket found by a
    /// geometric scan of [0.05, 50]. Null when chi_1 never crosses 1 there.
    /// </summary>
    public static double? CriticalSigmaW2(ActivationRule phi, double sigmaB2)
    {
        // Memoised per (phi, sigma_b^2): the scan costs tens of q* solves and the editor asks on every edit.
        var cache = s_critical.GetValue(phi, _ => new System.Collections.Concurrent.ConcurrentDictionary<double, double?>());
        if (cache.Count > 256)
            cache.Clear();
        return cache.GetOrAdd(sigmaB2, b => ComputeCriticalSigmaW2(phi, b));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ActivationRule, System.Collections.Concurrent.ConcurrentDictionary<double, double?>> s_critical = new();

    private static double? ComputeCriticalSigmaW2(ActivationRule phi, double sigmaB2)
    {
        if (phi is AbReluRule abRelu)
            return sigmaB2 == 0 ? 1 / abRelu.MeanSlope2 : null;
        if (sigmaB2 == 0 && phi.ValueAtZero == 0 && phi.SlopeAtZero != 0)
            return 1 / (phi.SlopeAtZero * phi.SlopeAtZero);
        double Excess(double sigmaW2) => Chi1At(phi, sigmaW2, sigmaB2) - 1;
        var lo = 0.05;
        var excessLo = Excess(lo);
        for (var hi = lo * 1.25; hi <= 50; hi *= 1.25)
        {
            var excessHi = Excess(hi);
            if (Math.Sign(excessLo) != Math.Sign(excessHi))
                return Brent.FindRoot(Excess, lo, hi, 1e-10, 200);
            (lo, excessLo) = (hi, excessHi);
        }
        return null;
    }

    /// <summary>chi_1 at the length fixed point, without the correlation analysis.</summary>
    public static double Chi1At(ActivationRule phi, double sigmaW2, double sigmaB2)
    {
        var qStar = FixedPointQ(phi, sigmaW2, sigmaB2).QStar;
        return sigmaW2 * phi.SlopeSecondMoment(double.IsFinite(qStar) ? qStar : Divergent);
    }

    /// <summary>
    /// The variance-preserving gain 1/E[phi(sqrt(q) z)^2] (what AutoInit-style methods target) and chi_1 = gain E[phi'^2]
    /// there, at length q with sigma_b = 0. Not critical init in general (THEORY.md §2; tanh: 2.536, chi_1 = 1.178).
    /// </summary>
    public static (double Gain, double Chi1) VariancePreserving(ActivationRule phi, double q = 1)
    {
        var gain = q / phi.SecondMoment(q);
        return (gain, gain * phi.SlopeSecondMoment(q));
    }

    public static Phase PhaseOf(double chi1) =>
        Math.Abs(chi1 - 1) <= PhaseTolerance ? Phase.Critical : chi1 < 1 ? Phase.Ordered : Phase.Chaotic;

    /// <summary>-1/ln(slope) for a contraction slope in (0, 1); +infinity at slope &gt;= 1 (guarded as THEORY.md §15 asks).</summary>
    public static double DepthScale(double slope)
    {
        if (!(slope > 0))
            return 0;
        return slope >= 1 - 1e-12 ? double.PositiveInfinity : -1 / Math.Log(slope);
    }
}
