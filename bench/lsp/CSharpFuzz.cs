using System.Diagnostics;
using LearningMechanics.Analysis;

namespace LearningMechanics.Bench.Lsp;

/// <summary>
/// Random and truncated C# through the analysis the server runs (TorchSharp reader, theory, findings), in process:
/// prefixes of the samples and of a generated file, byte-level mutations, token splices. No exception, nothing over 2 s.
/// </summary>
public static class CSharpFuzz
{
    private static readonly string[] s_tokens = ["Sequential(", "Linear(", "Conv2d(", "ReLU()", ")", "(", ",", ";", "{", "}", "\"", "/*", "*/", "//", "\n", "new ", "var ", "=>", "1e308", "-1", "0", "long.MaxValue", "torch.optim.SGD(", "lr: ", "$@\"", "#if X", "#endif", "\\u0000", "𝒳"];

    public static int Run(int cases, int seed, TimeSpan budget)
    {
        var random = new Random(seed);
        var corpus = Directory.GetFiles(Path.Combine(Session.Root, "samples"), "*.cs").Select(File.ReadAllText)
            .Append(Workload.TorchSharpFile(models: 5, lines: 200, seed: seed)).ToArray();
        var analyzer = new Analyzer();
        var (exceptions, slow) = (0, 0);
        var slowest = 0.0;
        var clock = Stopwatch.StartNew();
        var ran = 0;
        for (var caseIdx = 0; caseIdx < cases && clock.Elapsed < budget; caseIdx++, ran++)
        {
            var text = corpus[random.Next(corpus.Length)];
            text = random.Next(3) switch
            {
                0 => text[..random.Next(text.Length + 1)],
                1 => Mutate(text, random),
                _ => Mutate(text[..random.Next(text.Length + 1)], random),
            };
            var one = Stopwatch.StartNew();
            try
            {
                // A distinct path per case: the analyzer's content cache must not hide the work.
                analyzer.Analyze($"/fuzz/case{caseIdx}.cs", text);
            }
            catch (Exception e)
            {
                exceptions++;
                if (exceptions <= 5)
                    Console.WriteLine($"case {caseIdx} (seed {seed}): {e.GetType().Name}: {e.Message}");
            }
            var ms = one.Elapsed.TotalMilliseconds;
            slowest = Math.Max(slowest, ms);
            if (ms > 2000)
                slow++;
        }
        Console.WriteLine($"fuzz-cs seed {seed}: {ran} cases in {clock.Elapsed.TotalSeconds:F1} s; exceptions {exceptions}; over 2 s {slow}; slowest {slowest:F0} ms");
        return exceptions == 0 && slow == 0 ? 0 : 1;
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new System.Text.StringBuilder(text);
        for (var k = random.Next(1, 12); k > 0; k--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    builder.Insert(at, s_tokens[random.Next(s_tokens.Length)]);
                    break;
                case 1:
                    builder.Remove(Math.Min(at, builder.Length), Math.Min(random.Next(1, 20), builder.Length - Math.Min(at, builder.Length)));
                    break;
                default:
                    builder.Insert(at, (char)random.Next(32, 127));
                    break;
            }
        }
        return builder.ToString();
    }
}
