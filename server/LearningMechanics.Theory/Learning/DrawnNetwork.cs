using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;
using LearningMechanics.Theory.Rules;
using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// One network of the init ensemble at the declared widths, on m probes known by their Gram matrix: Gaussian weights of the
/// declared variances, the probes run forward, one backward pass for output 0, and the empirical NTK
/// sum_l (A_{l-1} A_{l-1}^T + 1[bias]) ∘ (Delta_l Delta_l^T), as the trainer's J J^T. The layers fed by the input keep their
/// pre-activations instead of their weights (z_j = X w_j + b_j ~ N(0, sigma_w^2 x·x' + sigma_b^2) per unit), so the probes
/// need no coordinates. A gradient step moves those pre-activations by the same rule: dz(x) = -sum_i c_i Delta(x_i) (x_i·x + 1).
/// This is the engine's own random-matrix arithmetic on its own seeds: no user code and no user weights.
/// </summary>
internal sealed class DrawnNetwork
{
    private readonly ModelGraph _graph;
    private readonly double[,] _gram;
    private readonly int _m, _inputDim;
    private readonly bool[] _fedByInput;
    private readonly double[]?[] _roots;     // square root of the first pre-activations' covariance, per input-fed Linear
    private readonly double[]?[] _weights;   // fanOut x fanIn row-major, per Linear fed by another layer
    private readonly double[]?[] _biases;
    private readonly double[]?[] _pre;       // m x fanOut, per input-fed Linear
    private readonly double[]?[] _values;    // m x width per node, row-major
    private readonly double[]?[] _deltas;
    private readonly int[] _widths;

    public DrawnNetwork(ModelGraph graph, double[,] gramOverN0)
    {
        _graph = graph;
        _gram = gramOverN0;
        _m = gramOverN0.GetLength(0);
        _inputDim = (int)(DataKernels.InputDimension(graph) ?? 1);
        var count = graph.Nodes.Length;
        (_fedByInput, _roots, _weights, _biases, _pre) = (new bool[count], new double[]?[count], new double[]?[count], new double[]?[count], new double[]?[count]);
        (_values, _deltas, _widths) = (new double[]?[count], new double[]?[count], new int[count]);
        foreach (var node in graph.Nodes)
        {
            if (node.Op is not Linear linear)
                continue;
            var (fanIn, fanOut) = ((int)linear.InFeatures, (int)linear.OutFeatures);
            _fedByInput[node.Id] = IsInputLike(graph, node.Inputs[0]);
            if (_fedByInput[node.Id])
            {
                _roots[node.Id] = SquareRoot(gramOverN0, (node.SigmaW2 ?? 0) / fanIn * _inputDim, node.SigmaB2 ?? 0);
                _pre[node.Id] = new double[_m * fanOut];
            }
            else
            {
                _weights[node.Id] = new double[fanOut * fanIn];
            }
            _biases[node.Id] = new double[fanOut];
        }
    }

    public int SampleCount => _m;

    /// <summary>Multiply-adds of one forward and backward pass on m probes (the Linear layers dominate).</summary>
    public static double PassCost(ModelGraph graph, int m) =>
        2.0 * m * graph.Nodes.Where(n => n.Op is Linear).Sum(n => (double)((Linear)n.Op).InFeatures * ((Linear)n.Op).OutFeatures);

    /// <summary>
    /// Probes and draws for a Monte Carlo over the init ensemble within <paramref name="budget"/> multiply-adds: the first
    /// <paramref name="maxSample"/> probes and at most <paramref name="maxDraws"/> draws; a net too large for
    /// <paramref name="minDraws"/> of them gets <paramref name="minSample"/> probes, and none (null) when still too large.
    /// </summary>
    /// <param name="costPerWeight">Multiply-adds per weight of one draw on m probes.</param>
    internal static (double[,] Gram, int Draws)? Plan(ModelGraph graph, double[,] gramOverN0, Func<int, double> costPerWeight, double budget,
        int maxDraws, int minDraws, int maxSample, int minSample)
    {
        var weights = graph.Nodes.Where(n => n.Op is Linear).Sum(n => (double)((Linear)n.Op).InFeatures * ((Linear)n.Op).OutFeatures);
        int DrawsFor(int probes) => (int)Math.Min(maxDraws, Math.Floor(budget / (costPerWeight(probes) * weights)));
        var m = Math.Min(gramOverN0.GetLength(0), maxSample);
        var draws = DrawsFor(m);
        if (draws < minDraws)
            (m, draws) = (Math.Min(m, minSample), DrawsFor(Math.Min(m, minSample)));
        if (draws < minDraws)
            return null;
        var gram = new double[m, m];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
                gram[i, j] = gramOverN0[i, j];
        return (gram, draws);
    }

    public static bool IsSupported(ModelGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            var supported = node.Op switch
            {
                Input => node.Id == 0,
                Linear => true,
                Activation activation => Activations.For(activation) is AbReluRule or NumericActivationRule,
                Add => true,
                Flatten => true,
                _ => false,
            };
            if (!supported)
                return false;
        }
        // Shapes must agree (a mismatched model is refused before any arithmetic: its matrices would not multiply).
        var shapes = graph.InferShapes();
        if (!shapes.Findings.IsEmpty || graph.Nodes.Any(n => n.Op is Linear linear && shapes.OutputOf(n.Inputs[0]).Last != linear.InFeatures))
            return false;
        // The input reaches the net through Linear layers only (directly or through Flatten), so its first pre-activations
        // can be drawn from the Gram matrix alone.
        return graph.Nodes.Where(n => n.Inputs.Any(i => IsInputLike(graph, i))).All(n => n.Op is Linear or Flatten);
    }

    /// <summary>Draws every weight and bias afresh, layer by layer in graph order.</summary>
    public void Draw(GaussianSource random)
    {
        var g = new double[_m];
        foreach (var node in _graph.Nodes)
        {
            if (node.Op is not Linear linear)
                continue;
            var fanOut = (int)linear.OutFeatures;
            if (_fedByInput[node.Id])
            {
                var (root, z) = (_roots[node.Id]!, _pre[node.Id]!);
                for (var j = 0; j < fanOut; j++)
                {
                    random.Fill(g);
                    for (var p = 0; p < _m; p++)
                        z[p * fanOut + j] = Blas.Dot(root.AsSpan(p * _m, _m), g);
                }
            }
            else
            {
                random.Fill(_weights[node.Id], Math.Sqrt((node.SigmaW2 ?? 0) / linear.InFeatures));
                random.Fill(_biases[node.Id], Math.Sqrt(node.SigmaB2 ?? 0));
            }
        }
    }

    /// <summary>Runs the probes forward through the current weights.</summary>
    public void Forward(CancellationToken cancellationToken = default)
    {
        foreach (var node in _graph.Nodes)
        {
            var id = node.Id;
            switch (node.Op)
            {
                case Input:
                    break;
                case Flatten:
                    (_values[id], _widths[id]) = (_values[node.Inputs[0]], _widths[node.Inputs[0]]);
                    break;
                case Linear linear:
                {
                    var (fanIn, fanOut) = ((int)linear.InFeatures, (int)linear.OutFeatures);
                    if (_fedByInput[id])
                    {
                        // A copy: Step moves _pre in place while a layer fed by this one still reads its values.
                        (_values[id], _widths[id]) = ((double[])_pre[id]!.Clone(), fanOut);
                        break;
                    }
                    var z = new double[_m * fanOut];
                    var (a, w, bias) = (_values[node.Inputs[0]]!, _weights[id]!, _biases[id]!);
                    // Row j of W once for all probes: W (2 MB at 512 x 512) streams through the cache once per layer.
                    for (var j = 0; j < fanOut; j++)
                        for (var p = 0; p < _m; p++)
                            z[p * fanOut + j] = Blas.Dot(a.AsSpan(p * fanIn, fanIn), w.AsSpan(j * fanIn, fanIn)) + bias[j];
                    (_values[id], _widths[id]) = (z, fanOut);
                    break;
                }
                case Activation activation:
                {
                    var (phi, _) = Pointwise(Activations.For(activation)!);
                    var input = _values[node.Inputs[0]]!;
                    var output = new double[input.Length];
                    for (var idx = 0; idx < input.Length; idx++)
                        output[idx] = phi(input[idx]);
                    (_values[id], _widths[id]) = (output, _widths[node.Inputs[0]]);
                    break;
                }
                case Add add:
                {
                    var sum = (double[])_values[node.Inputs[0]]!.Clone();
                    foreach (var other in node.Inputs.Skip(1))
                        Blas.Axpy(add.BranchScale, _values[other]!, sum);
                    (_values[id], _widths[id]) = (sum, _widths[node.Inputs[0]]);
                    break;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Per probe, the mean over units of the squared output of node <paramref name="id"/>, after <see cref="Forward"/>.</summary>
    public double[] ProbeSecondMoments(int id)
    {
        var (values, width) = (_values[id]!, _widths[id]);
        var q = new double[_m];
        for (var p = 0; p < _m; p++)
            q[p] = Blas.Dot(values.AsSpan(p * width, width), values.AsSpan(p * width, width)) / width;
        return q;
    }

    /// <summary>Output 0 on each probe, after <see cref="Forward"/>.</summary>
    public double[] Output()
    {
        var (values, width) = (_values[_graph.Output]!, _widths[_graph.Output]);
        var output = new double[_m];
        for (var p = 0; p < _m; p++)
            output[p] = values[p * width];
        return output;
    }

    /// <summary>The empirical NTK of output 0 on the probes (m x m), after <see cref="Forward"/>; keeps the backward pass for <see cref="Step"/>.</summary>
    public double[,] Ntk(CancellationToken cancellationToken = default)
    {
        var m = _m;
        var nodes = _graph.Nodes;
        var theta = new double[m, m];
        Array.Clear(_deltas);
        var outputWidth = _widths[_graph.Output];
        var seedDelta = new double[m * outputWidth];
        for (var p = 0; p < m; p++)
            seedDelta[p * outputWidth] = 1;
        _deltas[_graph.Output] = seedDelta;
        for (var id = nodes.Length - 1; id >= 0; id--)
        {
            var node = nodes[id];
            if (_deltas[id] is not { } delta || node.Op is Input)
                continue;
            var width = _widths[id];
            switch (node.Op)
            {
                case Flatten:
                    Pass(node.Inputs[0], delta);
                    break;
                case Linear linear:
                {
                    var fanIn = (int)linear.InFeatures;
                    var inputIsData = _fedByInput[id];
                    for (var p = 0; p < m; p++)
                        for (var r = p; r < m; r++)
                        {
                            var features = inputIsData ? _gram[p, r] * _inputDim : Blas.Dot(_values[node.Inputs[0]].AsSpan(p * fanIn, fanIn), _values[node.Inputs[0]].AsSpan(r * fanIn, fanIn));
                            var backward = Blas.Dot(delta.AsSpan(p * width, width), delta.AsSpan(r * width, width));
                            var term = (features + (node.SigmaB2 is null ? 0 : 1)) * backward;
                            theta[p, r] += term;
                            if (r != p)
                                theta[r, p] += term;
                        }
                    if (!inputIsData)
                    {
                        var w = _weights[id]!;
                        var passed = new double[m * fanIn];
                        for (var j = 0; j < width; j++)
                            for (var p = 0; p < m; p++)
                                if (delta[p * width + j] is var dj && dj != 0)
                                    Blas.Axpy(dj, w.AsSpan(j * fanIn, fanIn), passed.AsSpan(p * fanIn, fanIn));
                        Pass(node.Inputs[0], passed);
                    }
                    break;
                }
                case Activation activation:
                {
                    var (_, phiPrime) = Pointwise(Activations.For(activation)!);
                    var input = _values[node.Inputs[0]]!;
                    var passed = new double[delta.Length];
                    for (var idx = 0; idx < delta.Length; idx++)
                        passed[idx] = delta[idx] * phiPrime(input[idx]);
                    Pass(node.Inputs[0], passed);
                    break;
                }
                case Add add:
                    for (var k = 0; k < node.Inputs.Length; k++)
                    {
                        var passed = (double[])delta.Clone();
                        if (k > 0)
                            for (var idx = 0; idx < passed.Length; idx++)
                                passed[idx] *= add.BranchScale;
                        Pass(node.Inputs[k], passed);
                    }
                    break;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        return theta;

        void Pass(int target, double[] passed)
        {
            if (_deltas[target] is { } existing)
                Blas.Axpy(1, passed, existing);
            else
                _deltas[target] = passed;
        }
    }

    /// <summary>
    /// theta -= sum_i c_i grad f_0(x_i), with the gradients of the last <see cref="Ntk"/> call: for MSE, c = eta (dL/df) is
    /// the step's residual coefficient. Every layer uses the activations and deltas from before the step.
    /// </summary>
    public void Step(double[] coefficients)
    {
        var m = _m;
        foreach (var node in _graph.Nodes)
        {
            if (node.Op is not Linear linear || _deltas[node.Id] is not { } delta)
                continue;
            var (fanIn, fanOut) = ((int)linear.InFeatures, (int)linear.OutFeatures);
            var bias = node.SigmaB2 is null ? 0 : 1;
            if (_fedByInput[node.Id])
            {
                var z = _pre[node.Id]!;
                for (var p = 0; p < m; p++)
                    for (var i = 0; i < m; i++)
                        Blas.Axpy(-coefficients[i] * (_gram[p, i] * _inputDim + bias), delta.AsSpan(i * fanOut, fanOut), z.AsSpan(p * fanOut, fanOut));
                continue;
            }
            var (a, w, b) = (_values[node.Inputs[0]]!, _weights[node.Id]!, _biases[node.Id]!);
            for (var j = 0; j < fanOut; j++)
                for (var i = 0; i < m; i++)
                    if (coefficients[i] * delta[i * fanOut + j] is var scale && scale != 0)
                    {
                        Blas.Axpy(-scale, a.AsSpan(i * fanIn, fanIn), w.AsSpan(j * fanIn, fanIn));
                        b[j] -= bias * scale;
                    }
        }
    }

    private static bool IsInputLike(ModelGraph graph, int id) =>
        graph.Nodes[id].Op is Input || (graph.Nodes[id].Op is Flatten && graph.Nodes[id].Inputs.All(i => IsInputLike(graph, i)));

    private static (Func<double, double> Phi, Func<double, double> PhiPrime) Pointwise(ActivationRule rule) => rule switch
    {
        AbReluRule ab => (x => x > 0 ? ab.B * x : ab.A * x, x => x > 0 ? ab.B : ab.A),
        NumericActivationRule numeric => (numeric.Phi, numeric.PhiPrime),
        _ => throw new InvalidOperationException($"no pointwise form for {rule.Name}"),
    };

    /// <summary>A symmetric square root S (row-major) of scale · gram + bias · 11^T, so that S g ~ N(0, that) for g ~ N(0, I).</summary>
    internal static double[] SquareRoot(double[,] gram, double scale, double bias)
    {
        var m = gram.GetLength(0);
        var covariance = Matrix<double>.Build.Dense(m, m, (i, j) => scale * gram[i, j] + bias);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var roots = evd.EigenValues.Select(e => Math.Sqrt(Math.Max(e.Real, 0))).ToArray();
        var root = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalArray(roots) * evd.EigenVectors.Transpose();
        var flat = new double[m * m];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
                flat[i * m + j] = root[i, j];
        return flat;
    }
}
