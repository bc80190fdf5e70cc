using System.Diagnostics;
using LearningMechanics.Bench.Lsp;
using LearningMechanics.Frontends.TorchSharp;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

// dotnet run --project bench/reader -c Release [rounds=41]
// Reads the 2,000-line, 50-model file of bench/lsp (Workload.TorchSharpFile, seed 8):
//   full:   TorchSharpReader.Read of the whole text, warm code but no cached parts (a new path each round);
//   edit:   TorchSharpWorkspace.Edit of one character (a learning-rate digit, alternating): incremental reparse, and only
//           the edited model is read again;
//   reread: TorchSharpReader.Read(path, full edited text), what the server's analyzer calls on didChange: a full parse,
//           then the unchanged models come from the reader's per-document part cache;
//   parse: CSharpSyntaxTree.ParseText of the same text, the in-process baseline the ratios are against.
// Medians over the rounds; the machine is shared, so the ratios are the comparable numbers.
var rounds = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 41;
var text = Workload.TorchSharpFile(models: 50, lines: 2000, seed: 8);
var reader = TorchSharpReader.Shared;
var path = Path.Combine(Path.GetTempPath(), "lmech-reader-bench", "Models50.cs");

var first = reader.Read(path, text);
if (first.Models.Length != 50)
    throw new InvalidOperationException($"expected 50 models, read {first.Models.Length}");
for (var i = 0; i < 5; i++)
    reader.Read(path, text);

var options = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.None);
var parse = Time(rounds, _ => CSharpSyntaxTree.ParseText(text, options, path).GetRoot());
var full = Time(rounds, i => reader.Read(path + i, text));
var at = text.IndexOf("SGD(model.parameters(), 0.", StringComparison.Ordinal) + "SGD(model.parameters(), 0.".Length;
var digits = text[at] == '1' ? new[] { "2", "1" } : ["1", text[at].ToString()];
var edits = new[] { text.Remove(at, 1).Insert(at, digits[0]), text };
reader.Read(path, edits[0]);
var reread = Time(rounds, i => reader.Read(path, edits[i % 2]));

var workspace = new TorchSharpWorkspace(reader);
workspace.Update(path, text);
for (var i = 0; i < 5; i++)
    workspace.Edit(path, at, 1, digits[i % 2]);
var edit = Time(rounds, i => workspace.Edit(path, at, 1, digits[i % 2]));
var check = workspace.Edit(path, at, 1, "7");
var rate = check.Models.OrderBy(m => m.Span?.StartLine).First().Training.Optimizer!.LearningRate.Value;
if (Math.Abs(rate - double.Parse("0.7" + text[at + 1], System.Globalization.CultureInfo.InvariantCulture)) > 1e-12)
    throw new InvalidOperationException($"the edit was not seen: rate {rate}");

// The same edit in a workspace with other documents (a cross-file workspace, as the server keeps one): the document's
// names are recomputed for the edited declaration only, and its dependencies looked up among the others.
var shared = new TorchSharpWorkspace(reader);
for (var i = 0; i < 20; i++)
    shared.Add(Path.Combine(Path.GetDirectoryName(path)!, $"Other{i}.cs"), $"using TorchSharp;\nusing static TorchSharp.torch.nn;\npublic static class Other{i} {{ public static object Make() => Sequential(Linear({i + 2}, 4)); }}\n");
shared.Update(path, text);
for (var i = 0; i < 5; i++)
    shared.Edit(path, at, 1, digits[i % 2]);
var sharedEdit = Time(rounds, i => shared.Edit(path, at, 1, digits[i % 2]));

Console.WriteLine($"file: {text.Split('\n').Length - 1} lines, 50 models, {text.Length / 1024} KB; {rounds} rounds, medians");
Console.WriteLine($"parse only (baseline)        {parse:F2} ms");
Console.WriteLine($"full warm read               {full:F2} ms  ({full / parse:F1}x parse)   goal < 50 ms");
Console.WriteLine($"one-character edit re-read   {edit:F2} ms  ({edit / parse:F2}x parse, {edit / full:F2}x full read)   goal < 5 ms");
Console.WriteLine($"same edit, 20 other documents {sharedEdit:F2} ms  ({sharedEdit / parse:F2}x parse, {sharedEdit / edit:F2}x the edit alone)   goal < 5 ms");
Console.WriteLine($"full-text re-read, edited    {reread:F2} ms  ({reread / parse:F2}x parse, {reread / full:F2}x full read)");
return 0;

static double Time(int rounds, Action<int> action)
{
    var samples = new double[rounds];
    for (var i = 0; i < rounds; i++)
    {
        var clock = Stopwatch.StartNew();
        action(i);
        samples[i] = clock.Elapsed.TotalMilliseconds;
    }
    Array.Sort(samples);
    return samples[rounds / 2];
}
