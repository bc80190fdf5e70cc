using System.Collections.Immutable;
using System.Diagnostics;
using Google.Protobuf;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Frontends.Onnx.Proto;
using LearningMechanics.Model.Values;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LearningMechanics.Analysis.Onnx;

/// <summary>
/// Measures the real file: a copy of the graph with every mapped node's output added as a graph output is run by ONNX
/// Runtime (CPU) on N(0, 1) inputs of the declared shape (a symbolic batch dimension becomes <see cref="OnnxProbeOptions.BatchSize"/>),
/// and the mean of squares of each value is recorded, so the predicted q of each layer can be shown next to the measured one.
/// The run is stopped after the time limit; every failure is a finding (code onnx-probe-failed), never an exception.
/// Only files the reader accepted are run, so external data has already been checked to lie inside the model's folder.
/// </summary>
public static class OnnxActivationProbe
{
    public static OnnxProbeResult Measure(string path, OnnxModelReport report, IReadOnlyDictionary<int, double?>? predictedQ = null, OnnxProbeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= OnnxProbeOptions.Default;
        var span = new SourceSpan(path, 0, 0, 0, 0);
        var clock = Stopwatch.StartNew();
        OnnxProbeResult Failed(string message) =>
            new([], options.BatchSize, clock.Elapsed, [new Finding("onnx-probe-failed", Severity.Information, $"ONNX Runtime could not measure {Path.GetFileName(path)}: {message}", span)]);
        try
        {
            ModelProto model;
            using (var stream = File.OpenRead(path))
                model = ModelProto.Parser.ParseFrom(stream);
            var existing = model.Graph.Output.Select(o => o.Name).Concat(model.Graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
            var nodeOfTensor = report.TensorOfModelNode.GroupBy(p => p.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(p => p.Key), StringComparer.Ordinal);
            // An output with a name and no type: ONNX Runtime infers its type and shape from the graph.
            foreach (var tensor in nodeOfTensor.Keys.Where(t => !existing.Contains(t)).Order(StringComparer.Ordinal))
                model.Graph.Output.Add(new ValueInfoProto { Name = tensor });

            using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
            // Lets a model loaded from bytes find its external data next to the original file.
            sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
            using var session = new InferenceSession(model.ToByteArray(), sessionOptions);
            var random = new Random(options.Seed);
            var inputs = new List<NamedOnnxValue>();
            foreach (var (name, metadata) in session.InputMetadata)
            {
                if (metadata.ElementType != typeof(float))
                    return Failed($"input '{name}' is {metadata.ElementType.Name}, not float; synthetic Gaussian inputs need a float input");
                var dims = metadata.Dimensions.Select((d, i) => d > 0 ? d : i == 0 ? options.BatchSize : 1).ToArray();
                var count = dims.Aggregate(1L, (a, d) => a * d);
                if (count > options.MaxInputElements)
                    return Failed($"input '{name}' of shape [{string.Join(", ", dims)}] has {count:N0} elements, above the {options.MaxInputElements:N0} limit");
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(Gaussian(random, (int)count), dims)));
            }

            using var runOptions = new RunOptions();
            using var timer = new Timer(_ => runOptions.Terminate = true, null, options.Timeout, Timeout.InfiniteTimeSpan);
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            using var results = session.Run(inputs, session.OutputMetadata.Keys.ToList(), runOptions);
            cancellationToken.ThrowIfCancellationRequested();
            var measurements = ImmutableArray.CreateBuilder<OnnxMeasurement>();
            foreach (var result in results)
            {
                if (result.Value is not Tensor<float> values)
                    continue;
                var (sum, n) = (0.0, 0L);
                foreach (var v in values)
                {
                    sum += (double)v * v;
                    n++;
                }
                var modelNode = nodeOfTensor.TryGetValue(result.Name, out var id) ? id : (int?)null;
                var predicted = modelNode is { } m && predictedQ is not null && predictedQ.TryGetValue(m, out var q) ? q : null;
                measurements.Add(new OnnxMeasurement(result.Name, modelNode, modelNode is { } node ? report.NodeOf(node)?.Name : null, n > 0 ? sum / n : 0, n, predicted));
            }
            var ordered = measurements.OrderBy(m => m.ModelNode ?? int.MaxValue).ToImmutableArray();
            return new OnnxProbeResult(ordered, options.BatchSize, clock.Elapsed, DeadLayers(ordered, span));
        }
        catch (OnnxRuntimeException e)
        {
            return Failed(clock.Elapsed >= options.Timeout ? $"stopped after the {options.Timeout.TotalSeconds:F0} s limit" : e.Message);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Failed(e.Message);
        }
        catch (IOException e)
        {
            return Failed(e.Message);
        }
    }

    /// <summary>dead-layer: a node whose every measured value is zero on Gaussian inputs (all ReLUs off, a zeroed weight).</summary>
    private static ImmutableArray<Finding> DeadLayers(ImmutableArray<OnnxMeasurement> measurements, SourceSpan span) =>
        [.. measurements.Where(m => m.ModelNode is > 0 && m.Elements > 0 && m.MeanSquare == 0).Take(10).Select(m =>
            new Finding("dead-layer", Severity.Warning, $"'{m.NodeName ?? m.Tensor}' outputs exactly zero for every synthetic N(0, 1) input (measured by ONNX Runtime): the layer is dead", span))];

    private static float[] Gaussian(Random random, int count)
    {
        var result = new float[count];
        for (var i = 0; i < count; i++)
            result[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return result;
    }
}
