namespace LearningMechanics.Cli.Tests;

/// <summary>
/// <c>lmech theory critical-line | fixed-point | variance-preserving | relu-correlation</c> against THEORY.md §3 and §16
/// (non-withheld rows to their stated tolerance) and against <see cref="Reference"/>, an independent brute-force
/// implementation, at the withheld settings (rows 2, 3, 8, 11).
/// </summary>
public sealed class MeanFieldCommandTests
{
    [Theory]
    [InlineData(0.01, 1.4242, 0.2733)] // row 2
    [InlineData(0.05, 1.7610, 0.5700)] // row 1
    [InlineData(0.1, 1.9861, 0.8058)]  // row 2
    public void CriticalLine_Tanh_MatchesTheoryTable(double sigmaB2, double expected, double qStar)
    {
        var answer = Lmech.Theory("critical-line", "--activation", "tanh", "--sigma-b2", Invariant(sigmaB2));
        Assert.Equal(expected, answer.Value("critical-sigma-w2"), 0.002);
        Assert.Equal(qStar, answer.Value("q-star"), 0.002);
        Assert.True(answer.Inside("critical-sigma-w2"));
    }

    [Fact]
    public void CriticalLine_ExactCases_Rows3And4()
    {
        Assert.Equal(Math.PI / 4, Lmech.Theory("critical-line", "--activation", "erf", "--sigma-b2", "0").Value("critical-sigma-w2"), 1e-12);
        Assert.Equal(1.0, Lmech.Theory("critical-line", "--activation", "tanh", "--sigma-b2", "0").Value("critical-sigma-w2"), 1e-12);
        Assert.Equal(2.0, Lmech.Theory("critical-line", "--activation", "relu", "--sigma-b2", "0").Value("critical-sigma-w2"), 1e-12);
    }

    [Theory]
    [InlineData("tanh", 0.3, 1.4612)] // row 2 (withheld sigma_w^2; q* given)
    [InlineData("tanh", 1.0, 3.0364)]
    [InlineData("erf", 0.01, double.NaN)] // row 3 and the §3 erf list (withheld)
    [InlineData("erf", 0.05, double.NaN)]
    [InlineData("erf", 0.1, double.NaN)]
    [InlineData("erf", 0.3, double.NaN)]
    [InlineData("erf", 1.0, double.NaN)]
    public void CriticalLine_WithheldSettings_AgreeWithBruteForceBisection(string activation, double sigmaB2, double qStar)
    {
        var reference = activation == "tanh" ? Reference.Tanh : Reference.Erf;
        var answer = Lmech.Theory("critical-line", "--activation", activation, "--sigma-b2", Invariant(sigmaB2));
        var expected = reference.CriticalSigmaW2(sigmaB2);
        Assert.Equal(expected, answer.Value("critical-sigma-w2"), 0.002);
        Assert.Equal(expected, answer.Value("critical-sigma-w2"), 1e-5); // and far tighter than THEORY asks
        if (!double.IsNaN(qStar))
            Assert.Equal(qStar, answer.Value("q-star"), 0.002);
    }

    [Fact]
    public void CriticalLine_ReluWithBias_HasNoneAndSaysWhy()
    {
        var result = Lmech.Theory("critical-line", "--activation", "relu", "--sigma-b2", "0.1").Result("critical-sigma-w2");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("value").ValueKind);
        Assert.False(result.GetProperty("regime").GetProperty("inside").GetBoolean());
        Assert.Contains("length grows without bound", result.GetProperty("regime").GetProperty("failingAssumption").GetString());
    }

    [Theory]
    [InlineData(1.0, 0.759, 3.63, 1.75)]  // row 5
    [InlineData(1.5, 0.9386, 15.8, 1.68)] // row 6
    public void FixedPoint_TanhOrdered_Rows5And6(double sigmaW2, double chi1, double xiC, double xiQ)
    {
        var answer = Lmech.Theory("fixed-point", "--activation", "tanh", "--sigma-w2", Invariant(sigmaW2), "--sigma-b2", "0.05");
        Assert.Equal(chi1, answer.Value("chi1"), chi1 * 0.01);
        Assert.Equal(xiC, answer.Value("xi-c"), xiC * 0.01);
        Assert.Equal(6 * xiC, answer.Value("six-xi-c"), 6 * xiC * 0.01);
        Assert.Equal(1.0, answer.Value("c-star"), 1e-12);
        Assert.Equal(xiQ, answer.Value("xi-q"), xiQ * 0.01);
    }

    [Fact]
    public void FixedPoint_TanhChaotic_Row7()
    {
        var answer = Lmech.Theory("fixed-point", "--activation", "tanh", "--sigma-w2", "2.5", "--sigma-b2", "0.05");
        Assert.Equal(0.447, answer.Value("c-star"), 0.447 * 0.01);
        Assert.Equal(0.9187, answer.Value("chi-c"), 0.9187 * 0.01);
        Assert.Equal(11.8, answer.Value("xi-c"), 11.8 * 0.01);
        Assert.Equal(1.064, answer.Value("q-star"), 1.064 * 0.01);
        Assert.Equal(1.1335, answer.Value("chi1"), 1.1335 * 0.01);
        Assert.Equal(1.18, answer.Value("xi-q"), 1.18 * 0.01);
    }

    [Theory]
    [InlineData(2.0, 1.0477, 1.39)] // row 8 (c*, xi_c withheld; chi_1 and xi_q given in §3)
    [InlineData(3.0, 1.2089, 1.04)]
    [InlineData(4.0, 1.3424, 0.87)]
    public void FixedPoint_TanhWithheldRows_AgreeWithBruteForceQuadrature(double sigmaW2, double chi1, double xiQ)
    {
        var answer = Lmech.Theory("fixed-point", "--activation", "tanh", "--sigma-w2", Invariant(sigmaW2), "--sigma-b2", "0.05");
        Assert.Equal(chi1, answer.Value("chi1"), chi1 * 0.01);
        Assert.Equal(xiQ, answer.Value("xi-q"), xiQ * 0.01);
        var (cStar, chiC, xiC) = Reference.Tanh.CorrelationFixedPoint(sigmaW2, 0.05);
        Assert.Equal(cStar, answer.Value("c-star"), Math.Abs(cStar) * 0.01);
        Assert.Equal(chiC, answer.Value("chi-c"), chiC * 0.01);
        Assert.Equal(xiC, answer.Value("xi-c"), xiC * 0.01);
    }

    [Theory]
    [InlineData(1.5)] // row 11 (withheld): xi_c = xi_q = -1/ln(sigma_w^2/2) for sigma_b > 0 [D]
    [InlineData(1.9)]
    public void FixedPoint_ReluWithBias_Row11IsTheDerivedDepthScale(double sigmaW2)
    {
        var answer = Lmech.Theory("fixed-point", "--activation", "relu", "--sigma-w2", Invariant(sigmaW2), "--sigma-b2", "0.1");
        var expected = -1 / Math.Log(sigmaW2 / 2);
        Assert.Equal(expected, answer.Value("xi-c"), 1e-9);
        Assert.Equal(expected, answer.Value("xi-q"), 1e-9);
        Assert.Equal(sigmaW2 / 2, answer.Value("chi1"), 1e-12); // row 10
        Assert.Equal(0.1 / (1 - sigmaW2 / 2), answer.Value("q-star"), 1e-9); // §2 closed form
    }

    [Fact]
    public void FixedPoint_ExplodingReluLength_IsOutsideItsRegimeWithTheReason()
    {
        var answer = Lmech.Theory("fixed-point", "--activation", "relu", "--sigma-w2", "3", "--sigma-b2", "0.1");
        Assert.False(answer.Inside("xi-c"));
        Assert.Contains("length map diverges", answer.Result("xi-c").GetProperty("regime").GetProperty("failingAssumption").GetString());
    }

    [Theory]
    [InlineData("relu", 2.000, 1.000)] // §2 table; row 14
    [InlineData("tanh", 2.536, 1.178)]
    [InlineData("gelu", 2.352, 1.072)]
    [InlineData("silu", 2.811, 1.067)]
    [InlineData("elu", 1.551, 1.036)]
    [InlineData("sigmoid", 3.409, 0.153)]
    public void VariancePreserving_Row14(string activation, double gain, double chi1)
    {
        var answer = Lmech.Theory("variance-preserving", "--activation", activation);
        Assert.Equal(gain, answer.Value("gain"), 0.002);
        Assert.Equal(chi1, answer.Value("chi1"), 0.002);
    }

    [Fact]
    public void ReluCorrelation_Row13()
    {
        var at1000 = Lmech.Theory("relu-correlation", "--layers", "1000");
        Assert.Equal(4.31e-5, at1000.Value("one-minus-c-iterated"), 4.31e-5 * 0.05);
        Assert.Equal(4.44e-5, at1000.Value("one-minus-c-asymptotic"), 0.01e-5);
        var at2000 = Lmech.Theory("relu-correlation", "--layers", "2000");
        Assert.Equal(1.093e-5, at2000.Value("one-minus-c-iterated"), 1.093e-5 * 0.05);
        Assert.Equal(at2000.Value("one-minus-c-asymptotic"), at2000.Value("one-minus-c-iterated"), at2000.Value("one-minus-c-asymptotic") * 0.05);
        Assert.False(Lmech.Theory("relu-correlation", "--layers", "10").Inside("one-minus-c-asymptotic"));
    }

    [Theory]
    [InlineData("critical-line", "--activation", "swishy")]
    [InlineData("critical-line", "--activation", "tanh", "--sigma-b", "0.1")]
    [InlineData("fixed-point", "--activation", "tanh", "--sigma-w2", "-1")]
    [InlineData("ntk", "--activation", "relu", "--depth", "x", "--sigma-w2", "2")]
    [InlineData("unknown-thing")]
    public void BadUsage_ExitsTwoWithAMessage(params string[] args)
    {
        var (code, error) = Lmech.Fails(args);
        Assert.Equal(2, code);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    internal static string Invariant(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
