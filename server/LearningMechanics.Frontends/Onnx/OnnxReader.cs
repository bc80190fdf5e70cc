using System.Collections.Concurrent;
using System.Collections.Immutable;
using Google.Protobuf;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Reads an .onnx file into a model graph whose weight layers carry the statistics of their stored weights
/// (<see cref="MeasuredInit"/>), plus a report of every node, initializer and weight spectrum. Never throws on a bad file:
/// an unreadable file gives an <c>onnx-unreadable</c> finding. Reads nothing outside the model's folder.
/// </summary>
public static class OnnxReader
{
    public static OnnxReadResult Read(string path, OnnxReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= OnnxReadOptions.Default;
        var span = new SourceSpan(path, 0, 0, 0, 0);
        OnnxReadResult Unreadable(string message) =>
            new([], [new Finding("onnx-unreadable", Severity.Error, $"Cannot read {Path.GetFileName(path)} as ONNX: {message}", span)], null);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return Unreadable("the file does not exist");
            if (info.Length > options.MaxFileBytes)
                return Unreadable($"the file is {info.Length:N0} bytes, above the {options.MaxFileBytes:N0}-byte limit");
            if (info.Length == 0)
                return Unreadable("the file is empty");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.RandomAccess);
            var scanned = ModelScan.Read(new WireReader(stream, info.Length), cancellationToken);
            if (scanned.Graph is not { } graph)
                return Unreadable("it holds no graph (ModelProto.graph is missing); is it an ONNX model?");
            if (graph.Nodes.Length > options.MaxNodes)
                return Unreadable($"the graph has {graph.Nodes.Length:N0} nodes, above the {options.MaxNodes:N0}-node limit");
            return new Reading(path, info, scanned, graph, options, span).Run(stream, cancellationToken);
        }
        catch (OnnxFormatException e)
        {
            return Unreadable(e.Message);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Unreadable($"invalid protobuf ({e.Message})");
        }
        catch (IOException e)
        {
            return Unreadable(e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Unreadable(e.Message);
        }
    }

    /// <summary>
    /// The second, slow phase after a read with <see cref="OnnxReadOptions.Spectra"/> off: eigenvalues of W^T W, the
    /// power-law fit and the exact spectral norm and stable rank of every layer whose fit is pending, one layer at a time
    /// with progress. A layer whose spectrum cannot be computed gets a failed fit with the reason (never a number); a file
    /// that changed since the first read fails every pending fit. Cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static OnnxModelReport ReadSpectra(OnnxModelReport report, OnnxReadOptions? options = null, IProgress<OnnxSpectraProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= OnnxReadOptions.Default;
        OnnxModelReport FailAll(string reason) => report with
        {
            Layers = [.. report.Layers.Select(l => l.Fit.Status == PowerLawFitStatus.Pending ? l with { Fit = PowerLawFit.Failed(reason) } : l)],
        };
        if (!report.Layers.Any(l => l.Fit.Status == PowerLawFitStatus.Pending))
            return report;
        try
        {
            var info = new FileInfo(report.Path);
            if (!info.Exists || info.Length != report.FileBytes)
                return FailAll("the file changed on disk after the first analysis");
            using var stream = new FileStream(report.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.RandomAccess);
            var scanned = ModelScan.Read(new WireReader(stream, info.Length), cancellationToken);
            if (scanned.Graph is not { } graph)
                return FailAll("the file no longer holds a graph");
            var reading = new Reading(report.Path, info, scanned, graph, options, new SourceSpan(report.Path, 0, 0, 0, 0));
            return report with { Layers = reading.Spectra(report.Layers, progress, cancellationToken) };
        }
        catch (Exception e) when (e is OnnxFormatException or InvalidProtocolBufferException or IOException or UnauthorizedAccessException)
        {
            return FailAll($"the file could not be read again ({e.Message})");
        }
    }

    /// <summary>One read of one file: map the graph, stream the initializers, fit the spectra, assemble graph and report.</summary>
    private sealed class Reading(string path, FileInfo info, ScannedModel scanned, ScannedGraph graph, OnnxReadOptions options, SourceSpan span)
    {
        private readonly string _folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        private readonly List<Finding> _findings = [];

        public OnnxReadResult Run(FileStream modelStream, CancellationToken cancellationToken)
        {
            var opset = scanned.Opsets.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
            var mapper = new OnnxGraphMapper(graph, opset, path, t => ReadSmall(modelStream, t, cancellationToken), options);
            var name = graph.Name.Length > 0 ? graph.Name : Path.GetFileNameWithoutExtension(path);
            var mapped = mapper.Map(name, cancellationToken);
            _findings.AddRange(mapped.Findings);

            var weights = mapped.Bindings.GroupBy(b => b.Weight.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var statistics = new ConcurrentDictionary<string, TensorStatistics>(StringComparer.Ordinal);
            var errors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
            Parallel.ForEach(graph.Initializers.OrderBy(t => t.Encoding == TensorEncoding.External).ThenBy(t => t.Offset), parallel, tensor =>
            {
                var moments = new MomentSink();
                MatrixSampleSink? sample = null;
                var isMatrix = weights.ContainsKey(tensor.Name) && tensor.Dims.Length >= 2 && tensor.ElementCount is > 0 and var count && count <= options.MaxTensorElements;
                if (isMatrix && options is { Spectra: true, SpectrumMaxRows: > 0, SpectrumMaxColumns: > 0 })
                    sample = new MatrixSampleSink(tensor.Dims[0], tensor.ElementCount / tensor.Dims[0], options.SpectrumMaxRows, options.SpectrumMaxColumns);
                else if (isMatrix && options is { Spectra: false, SpectralNormSteps: > 0 } && tensor.ElementCount <= options.SpectralNormMaxElements)
                    sample = new MatrixSampleSink(tensor.Dims[0], tensor.ElementCount / tensor.Dims[0], int.MaxValue, int.MaxValue);
                var error = StreamTensor(tensor, sample is null ? [moments] : [moments, sample], cancellationToken);
                if (error is not null)
                {
                    errors[tensor.Name] = error;
                    return;
                }
                var stats = new TensorStatistics(moments, sample);
                if (sample is not null && options.Spectra)
                    stats = stats with { Eigenvalues = WeightSpectrum.Eigenvalues(sample) };
                else if (sample is not null)
                    stats = stats with { Sample = null, PowerNorm = WeightSpectrum.PowerIterationNorm(sample.Sample, sample.SampleRows, sample.SampleCols, options.SpectralNormSteps) };
                statistics[tensor.Name] = stats;
            });
            foreach (var (tensorName, error) in errors.OrderBy(e => e.Key, StringComparer.Ordinal))
                _findings.Add(new Finding("onnx-bad-tensor", Severity.Warning, $"Initializer '{tensorName}' {error}; its statistics are not used", span));

            var nodes = mapped.Graph.Nodes.ToBuilder();
            var layers = ImmutableArray.CreateBuilder<OnnxWeightLayer>();
            foreach (var binding in mapped.Bindings)
            {
                var node = nodes[binding.NodeId];
                if (!statistics.TryGetValue(binding.Weight.Name, out var weight) || node.Op.Fans is not { } fans)
                    continue;
                var bias = binding.Bias is { } b && statistics.TryGetValue(b.Name, out var biasStats) ? biasStats.Moments : null;
                var (scale, biasScale) = (binding.Scale, binding.BiasScale);
                var mean = weight.Moments.Mean * scale;
                var variance = weight.Moments.Variance * scale * scale;
                if (!double.IsFinite(mean) || !double.IsFinite(variance) || weight.Moments.Count == 0)
                {
                    _findings.Add(new Finding("onnx-bad-tensor", Severity.Warning,
                        $"Initializer '{binding.Weight.Name}' has no finite statistics (values overflow or are all NaN/inf); '{node.Name}' keeps the default init", span));
                    continue;
                }
                nodes[binding.NodeId] = node with
                {
                    WeightInit = new MeasuredInit(mean, variance, weight.Moments.Count),
                    BiasInit = bias is null ? node.BiasInit : new MeasuredInit(bias.Mean * biasScale, bias.Variance * biasScale * biasScale, bias.Count),
                };
                layers.Add(Layer(binding, node, fans, mean, variance, weight));
            }
            var model = mapped.Graph with { Nodes = nodes.MoveToImmutable() };

            foreach (var (opType, count) in mapped.UnknownOps.OrderBy(u => u.Key, StringComparer.Ordinal))
            {
                _findings.Add(new Finding("unknown-op", Severity.Information,
                    $"{count} node{(count == 1 ? "" : "s")} of op type {opType} {(count == 1 ? "is" : "are")} not mapped to a layer (shown as Unknown; no prediction passes through {(count == 1 ? "it" : "them")})",
                    span, model.Name));
            }
            foreach (var subgraph in mapped.Subgraphs)
            {
                _findings.Add(new Finding("onnx-subgraph", Severity.Information,
                    $"'{subgraph.NodeName}' ({subgraph.OpType}) holds a subgraph '{subgraph.Attribute}' of {subgraph.NodeCount} nodes; subgraphs are listed, not analysed", span, model.Name));
            }
            if (graph.SparseInitializers.Length > 0)
            {
                _findings.Add(new Finding("onnx-sparse-initializer", Severity.Information,
                    $"{graph.SparseInitializers.Length} sparse initializers are counted but not analysed", span, model.Name));
            }

            var initializers = graph.Initializers.Select(t => InitializerInfo(t, statistics.TryGetValue(t.Name, out var s) ? s.Moments : null, errors.GetValueOrDefault(t.Name))).ToImmutableArray();
            var sparseCount = graph.SparseInitializers.Sum(s => s.Dims.Aggregate(1L, (a, d) => a * Math.Max(d, 0)));
            var report = new OnnxModelReport(
                path, info.Length, scanned.IrVersion, (scanned.ProducerName + " " + scanned.ProducerVersion).Trim(),
                [.. scanned.Opsets.Select(o => new OnnxOpset(o.Domain, o.Version))], graph.Name,
                initializers.Sum(i => Math.Max(i.Elements, 0)) + sparseCount,
                initializers, mapped.Nodes, layers.ToImmutable(), mapped.Subgraphs, mapped.UnknownOps, mapped.TensorOfNode);
            return new OnnxReadResult([model], [.. _findings], report);
        }

        private OnnxWeightLayer Layer(WeightBinding binding, Node node, Model.Ops.WeightFans fans, double mean, double variance, TensorStatistics weight)
        {
            var scale = Math.Abs(binding.Scale);
            var (spectralNorm, stableRank, fit, spectrum) = weight switch
            {
                { Eigenvalues: not null, Sample: { } sample } => SpectrumOf(weight.Eigenvalues, sample, weight.Moments, scale, null),
                { PowerNorm: { } norm } => (norm * scale, norm > 0 ? weight.Moments.SumSquares / (norm * norm) : (double?)null, PowerLawFit.Pending,
                    $"spectral norm by {options.SpectralNormSteps} power-iteration steps on the whole matrix (a lower bound); eigenvalues pending"),
                _ => (null, null, binding.Weight.Dims.Length < 2 ? PowerLawFit.Skipped("the weight is not a matrix")
                    : options.Spectra ? PowerLawFit.Skipped("the weight could not be read as a matrix") : PowerLawFit.Pending, "not computed"),
            };
            return new OnnxWeightLayer(binding.NodeId, node.Name, node.Op.Kind, binding.Weight.Name, binding.Weight.Dims, fans.FanIn, fans.FanOut,
                mean, variance, variance * fans.FanIn, spectralNorm, stableRank, fit, spectrum, binding.Scale);
        }

        public ImmutableArray<OnnxWeightLayer> Spectra(ImmutableArray<OnnxWeightLayer> layers, IProgress<OnnxSpectraProgress>? progress, CancellationToken cancellationToken)
        {
            var tensors = graph.Initializers.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var pending = Enumerable.Range(0, layers.Length).Where(i => layers[i].Fit.Status == PowerLawFitStatus.Pending).ToList();
            var result = layers.ToBuilder();
            for (var k = 0; k < pending.Count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var layer = layers[pending[k]];
                progress?.Report(new OnnxSpectraProgress(k, pending.Count, layer.NodeName));
                result[pending[k]] = SpectrumLayer(layer, tensors.GetValueOrDefault(layer.Initializer), cancellationToken);
            }
            progress?.Report(new OnnxSpectraProgress(pending.Count, pending.Count, null));
            return result.MoveToImmutable();
        }

        private OnnxWeightLayer SpectrumLayer(OnnxWeightLayer layer, TensorData? tensor, CancellationToken cancellationToken)
        {
            if (tensor is null || tensor.Dims.Length < 2 || tensor.ElementCount <= 0 || tensor.ElementCount > options.MaxTensorElements || tensor.Dims[0] <= 0)
                return layer with { Fit = PowerLawFit.Failed($"the initializer '{layer.Initializer}' is no longer a readable matrix in the file") };
            var moments = new MomentSink();
            var sample = new MatrixSampleSink(tensor.Dims[0], tensor.ElementCount / tensor.Dims[0], Math.Max(options.SpectrumMaxRows, 1), Math.Max(options.SpectrumMaxColumns, 1));
            if (StreamTensor(tensor, [moments, sample], cancellationToken) is { } error)
                return layer with { Fit = PowerLawFit.Failed($"the initializer {error}") };
            var (norm, stableRank, fit, spectrum) = SpectrumOf(WeightSpectrum.Eigenvalues(sample), sample, moments, Math.Abs(layer.WeightScale), layer.SpectralNorm);
            return layer with { SpectralNorm = norm ?? layer.SpectralNorm, StableRank = stableRank ?? layer.StableRank, Fit = fit, Spectrum = spectrum };
        }

        /// <summary>
        /// Spectral norm, stable rank, fit and description from the eigenvalues of a (possibly sampled) matrix. A sampled
        /// spectrum's top eigenvalue is an estimate; a first-phase power-iteration norm of the whole matrix, when given, is kept instead.
        /// </summary>
        internal static (double? Norm, double? StableRank, PowerLawFit Fit, string Spectrum) SpectrumOf(double[] eigenvalues, MatrixSampleSink sample, MomentSink moments, double scale, double? wholeMatrixNorm)
        {
            if (eigenvalues.Length == 0)
                return (wholeMatrixNorm, null, PowerLawFit.Failed("the eigenvalue decomposition failed (non-finite or overflowing weights)"), "not computed");
            var top = eigenvalues.Max();
            var useWhole = sample.IsSampled && wholeMatrixNorm is not null;
            var norm = useWhole ? wholeMatrixNorm!.Value : Math.Sqrt(top) * scale;
            // Frobenius norm: exact from the stream when every row was kept (column sampling keeps the Gram's trace unbiased).
            var frobenius2 = (sample.RowStride == 1 || useWhole ? moments.SumSquares : eigenvalues.Sum()) * scale * scale;
            double? stableRank = norm > 0 ? frobenius2 / (norm * norm) : null;
            var spectrum = sample.IsSampled
                ? $"estimated from every {(sample.RowStride > 1 ? $"{sample.RowStride}th row and " : "")}{(sample.ColumnStride > 1 ? $"{sample.ColumnStride}th column" : "column")} ({sample.SampleRows}×{sample.SampleCols} of {sample.Rows}×{sample.Cols})"
                : $"exact ({sample.Rows}×{sample.Cols})";
            if (useWhole)
                spectrum += "; spectral norm by power iteration on the whole matrix";
            return (norm, stableRank, PowerLawFit.Fit(eigenvalues), spectrum);
        }

        private static OnnxInitializerInfo InitializerInfo(TensorData tensor, MomentSink? moments, string? error)
        {
            var storage = tensor.Encoding switch
            {
                TensorEncoding.External => $"external: {tensor.ExternalData.GetValueOrDefault("location", "?")}",
                TensorEncoding.Raw => "raw_data",
                TensorEncoding.None => "empty",
                _ => "typed field",
            };
            var hasStats = moments is { Count: > 0 };
            return new OnnxInitializerInfo(tensor.Name, OnnxDataTypes.Name(tensor.DataType), tensor.Dims, tensor.ElementCount, storage,
                hasStats ? moments!.Mean : null, hasStats ? moments!.Variance : null, hasStats ? moments!.Min : null, hasStats ? moments!.Max : null,
                moments?.NonFinite ?? 0, error);
        }

        private double[]? ReadSmall(FileStream modelStream, TensorData tensor, CancellationToken cancellationToken)
        {
            var sink = new ValuesSink(tensor.ElementCount);
            lock (modelStream)
                return StreamTensor(tensor, [sink], cancellationToken, modelStream) is null ? sink.Values : null;
        }

        /// <summary>Streams one tensor to the sinks from the model file or its external file; returns an error message or null.</summary>
        private string? StreamTensor(TensorData tensor, IReadOnlyList<IValueSink> sinks, CancellationToken cancellationToken, FileStream? shared = null)
        {
            var count = tensor.ElementCount;
            if (count < 0)
                return $"declares dimensions [{string.Join(", ", tensor.Dims)}] whose product is negative or overflows";
            if (count > options.MaxTensorElements)
                return $"declares {count:N0} elements, above the {options.MaxTensorElements:N0}-element limit";
            try
            {
                if (tensor.Encoding == TensorEncoding.External)
                {
                    var (region, error) = ExternalData.Resolve(tensor, _folder);
                    if (region is null)
                        return error;
                    using var external = new FileStream(region.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
                    return TensorStreamer.Stream(tensor with { Encoding = TensorEncoding.Raw }, external, region.Offset, region.Length, sinks, cancellationToken);
                }
                if (shared is not null)
                    return TensorStreamer.Stream(tensor, shared, tensor.Offset, tensor.Length, sinks, cancellationToken);
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
                return TensorStreamer.Stream(tensor, stream, tensor.Offset, tensor.Length, sinks, cancellationToken);
            }
            catch (OnnxFormatException e)
            {
                return e.Message;
            }
            catch (IOException e)
            {
                return $"could not be read ({e.Message})";
            }
            catch (UnauthorizedAccessException e)
            {
                return $"could not be read ({e.Message})";
            }
        }
    }
}
