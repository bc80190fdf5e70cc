using LearningMechanics.Cli.Commands;

// lmech: the language server's analysis for terminals and CI.
return args switch
{
    ["check", .. var rest] => CheckCommand.Run(rest, Console.Out, Console.Error),
    ["validate-grid", .. var rest] => ValidateGridCommand.Run(rest, Console.Out, Console.Error),
    ["theory", .. var rest] => TheoryCommand.Run(rest, Console.Out, Console.Error),
    ["--version"] => Version(),
    _ => Usage(),
};

static int Version()
{
    Console.WriteLine(typeof(CheckCommand).Assembly.GetName().Version);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: lmech check <folder-or-file>... [--format text|json] [--fail-on error|warning|never]
               lmech validate-grid <grid.json> ...
               lmech theory <subcommand> [--option value ...] [--format text|json]   (lmech theory --help)

          check    print, for every model found in TorchSharp (.cs) files, the findings and predictions the editor shows.
                   Exits 1 only when asked: a finding at or above --fail-on (default: never) was found; 2 on bad usage.
        """);
    return 2;
}
