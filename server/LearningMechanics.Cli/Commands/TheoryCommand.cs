using System.Globalization;
using System.Text.Json;
using LearningMechanics.Cli.Theory;

namespace LearningMechanics.Cli.Commands;

/// <summary>
/// <c>lmech theory &lt;subcommand&gt; --option value ... [--format text|json]</c>: the engine's numbers for arbitrary
/// parameters (critical lines, fixed points, NTKs, deep-linear half-times, scaling laws), each with unit, assumptions,
/// regime and evidence. Exit 0 on an answer, 2 on bad usage.
/// </summary>
public static class TheoryCommand
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h")
        {
            error.WriteLine(Usage);
            return 2;
        }
        var format = OutputFormat.Text;
        var rest = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] == "--format" && i + 1 < args.Count)
            {
                if (!Enum.TryParse(args[++i], ignoreCase: true, out format))
                {
                    error.WriteLine($"lmech theory: unknown format '{args[i]}' (text, json)");
                    return 2;
                }
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        if (TheoryArguments.Parse(rest, error) is not { } parsed)
            return 2;
        TheoryAnswer answer;
        try
        {
            answer = TheoryQueries.Run(args[0], parsed);
        }
        catch (TheoryUsageException usage)
        {
            error.WriteLine($"lmech theory {args[0]}: {usage.Message}");
            return 2;
        }
        if (parsed.Unread.FirstOrDefault() is { } unknown)
        {
            error.WriteLine($"lmech theory {args[0]}: unknown option '--{unknown}'");
            return 2;
        }
        if (format == OutputFormat.Json)
            output.WriteLine(JsonSerializer.Serialize(answer, JsonOptions));
        else
            WriteText(answer, output);
        return 0;
    }

    private static void WriteText(TheoryAnswer answer, TextWriter output)
    {
        output.WriteLine($"{answer.Command}: {string.Join(", ", answer.Parameters.Select(p => $"{p.Key} = {FormatValue(p.Value)}"))}");
        foreach (var result in answer.Results)
        {
            var value = result.Value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "none";
            var regime = result.Regime.Inside ? "" : $"  [outside regime: {result.Regime.FailingAssumption}]";
            output.WriteLine($"  {result.Quantity} = {value} {result.Unit} [{result.Evidence}]{regime}");
            output.WriteLine($"      {result.Note}");
        }
        if (answer.Results.FirstOrDefault() is { } first)
            output.WriteLine($"  assumptions: {string.Join("; ", first.Assumptions)}");
    }

    private static string FormatValue(object value) => value switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        double[] list => string.Join(",", list.Select(x => x.ToString("G6", CultureInfo.InvariantCulture))),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public const string Usage = """
        usage: lmech theory <subcommand> [--option value ...] [--format text|json]

          critical-line        --activation A [--alpha a] --sigma-b2 X          sigma_w^2 with chi_1 = 1, and q* there
          fixed-point          --activation A --sigma-w2 X --sigma-b2 Y         q*, chi_1, c*, chi_c, xi_c, 6 xi_c, xi_q
          ntk                  --activation A --depth L --sigma-w2 X --sigma-b2 Y [--cos 0.5]
                                                                                NTK and NNGP (NTK parameterization) of two inputs
                                                                                with ||x||^2 = n_0 after L hidden layers
          variance-preserving  --activation A [--q 1]                           gain 1/E[phi^2] and its chi_1
          relu-correlation     --layers l [--c0 0]                              1 - c_l of critical ReLU, iterated and 9 pi^2/(2 l^2)
          momentum             --lambda X [--beta 0.9]                          GD, heavy-ball, Nesterov limits; Adam's edge
          initial-loss         --classes K [--q 0]                              cross-entropy at init
          saxe                 --singular-values 3,2,1,0.5 [--dim 8] [--hidden 64] [--layers 2] [--init-std 1e-4]
                               [--lr 1e-3] [--balanced-a0 X] [--simulate] [--seed 0] [--max-steps 200000]
                                                                                deep-linear half-times (formula; GD with --simulate)
          scaling-law          --constants hoffmann|epoch (--n N --d D | --compute C)
                               --constants kaplan (--n N | --d D | --loss L)     loss, compute-optimal N*, D*, critical batch

          activations: tanh, erf, relu, leaky-relu, linear, abs, gelu, silu, elu, selu, sigmoid, softplus, mish, relu6, hardtanh
          JSON: {command, parameters, results: [{quantity, value, unit, assumptions, regime: {inside, failingAssumption}, evidence, note}]}
        """;
}
