using LearningMechanics.Server;

// Stdout is the JSON-RPC transport: nothing else may write to it.
var stdout = Console.OpenStandardOutput();
Console.SetOut(Console.Error);
if (args.Contains("--version"))
{
    Console.Error.WriteLine(typeof(LanguageServer).Assembly.GetName().Version);
    return 0;
}
// vscode-languageclient appends --stdio; stdio is the only transport, so the flag is accepted and needs no action.
using var server = new LanguageServer(Console.OpenStandardInput(), stdout, Console.Error);
server.Start();
var exitCode = await server.Completion.ConfigureAwait(false);
Console.Error.WriteLine($"[server] exiting with code {exitCode}");
return exitCode;
