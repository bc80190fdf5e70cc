using LearningMechanics.Analysis;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Cli.Output;

/// <summary>The human-readable report: per model a summary, a per-layer table and the findings.</summary>
public static class TextWriterReport
{
    public static void Write(IReadOnlyList<DocumentAnalysis> analyses, string root, TextWriter output)
    {
        var models = 0;
        var counts = new Dictionary<Severity, int>();
        foreach (var analysis in analyses)
        {
            var relative = Path.GetRelativePath(root, analysis.Path);
            foreach (var model in analysis.Models)
            {
                models++;
                WriteModel(model, analysis.Findings.Where(f => f.ModelName == model.Graph.Name), relative, output);
            }
            var loose = analysis.Findings.Where(f => f.ModelName is null || analysis.Model(f.ModelName) is null).ToList();
            foreach (var finding in loose)
                output.WriteLine($"{relative}:{Position(finding.Span)}: {Label(finding.Severity)} {finding.Code}: {finding.Message}");
            foreach (var finding in analysis.Findings)
                counts[finding.Severity] = counts.GetValueOrDefault(finding.Severity) + 1;
        }
        output.WriteLine($"{models} model(s) in {analyses.Count} file(s): {counts.GetValueOrDefault(Severity.Error)} error(s), {counts.GetValueOrDefault(Severity.Warning)} warning(s), {counts.GetValueOrDefault(Severity.Information)} note(s)");
    }

    private static void WriteModel(ModelAnalysis model, IEnumerable<Finding> findings, string file, TextWriter output)
    {
        var s = model.Summary;
        output.WriteLine($"== {model.Graph.Name}  ({file}:{Position(model.Graph.Span)})");
        output.Write($"   {Format.Count(s.Parameters)}{(s.ParametersExact ? "" : "+ (lower bound: see the findings)")} parameters, depth {s.Depth}");
        if (s.Chi1 is { } chi1)
            output.Write($", chi_1 = {Format.Number(chi1)} ({s.Phase})");
        if (s.SignalFactorPerLayer is { } factor)
            output.Write($", signal {Format.Factor(factor)} per layer");
        if (s.TrainableDepth is { } trainable)
            output.Write($", trainable depth 6*xi_c = {Format.Number(trainable)}");
        output.WriteLine();
        if (s.LearningRate is { } lr)
        {
            var declared = lr.Declared.IsKnown ? Format.Number(lr.Declared.Value) : $"unknown ({lr.Declared.Reason})";
            var limit = lr.MonotoneLimit is { } m ? $", stable (monotone) below {Format.Number(m)}" + (lr.InitSpread is { } spread ? $" (±{spread:P0} across inits)" : "") + (lr.EarlyDrift is { } drift ? $" (λmax {drift - 1:+0.0%;-0.0%} after {LearningMechanics.Theory.Learning.SharpnessDrift.TransientSteps} steps)" : "") + (lr.DivergenceLimit is { } d ? $", diverges above ~{Format.Number(d)}" : "") + (lr.OutOfRegime is { } outside ? $" (out of regime: {outside})" : "") : lr.NotPredictedReason is { } why ? $", no limit predicted: {why}" : "";
            output.WriteLine($"   {lr.Optimizer} lr = {declared}{limit}  [{lr.Convention}]");
        }
        output.WriteLine($"   {"layer",-24} {"shape out",-14} {"params",12} {"sigma_w^2",10} {"q = E[h^2]",11} {"q ratio",9} {"chi",8}");
        foreach (var layer in model.Layers.Where(l => model.Graph[l.NodeId].Op is not Input))
        {
            output.WriteLine($"   {Truncate(layer.Description, 24),-24} {layer.OutputShape,-14} {(layer.Parameters > 0 ? Format.Count(layer.Parameters) : ""),12} " +
                $"{Opt(layer.SigmaW2),10} {Opt(layer.Q),11} {(layer.QRatio is { } r ? Format.Factor(r) : ""),9} {Opt(layer.Chi),8}");
        }
        foreach (var finding in findings)
            output.WriteLine($"   {Label(finding.Severity)} {finding.Code} at {Position(finding.Span)}: {finding.Message}");
        output.WriteLine();
    }

    private static string Opt(double? value) => value is { } v ? Format.Number(v) : "";

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static string Position(SourceSpan? span) => span is { } s ? $"{s.StartLine + 1}:{s.StartCharacter + 1}" : "-";

    private static string Label(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        Severity.Information => "info",
        _ => "hint",
    };
}
