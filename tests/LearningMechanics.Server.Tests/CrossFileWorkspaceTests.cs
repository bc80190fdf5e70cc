using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests;

/// <summary>
/// The server reads a workspace folder as one TorchSharp workspace: a model whose block class is declared in another
/// file, not open in the editor, gets the same exact parameter count as <c>lmech check</c> on the folder (9,060, the
/// count TorchSharp itself allocates: the Oracle test CrossFileBlock_WorkspaceReadingEqualsTorchSharpNumel); an edit of
/// the block file updates the model file's lens; closing it falls back to the disk copy; a change on disk is picked up.
/// </summary>
public sealed class CrossFileWorkspaceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BlockInAnotherFile_LensHoverEditCloseAndDiskChange_FollowTheBlockFile()
    {
        var folder = Directory.CreateTempSubdirectory("lm-cross-file-").FullName;
        try
        {
            var fixtures = Path.Combine(RepoPaths.Root, "tests", "fixtures", "torchsharp", "cross_file");
            var blocksPath = Path.Combine(folder, "Blocks.cs");
            var modelPath = Path.Combine(folder, "Model.cs");
            var blocks = File.ReadAllText(Path.Combine(fixtures, "Blocks.cs"));
            var model = File.ReadAllText(Path.Combine(fixtures, "Model.cs"));
            File.WriteAllText(blocksPath, blocks);
            File.WriteAllText(modelPath, model);
            Directory.CreateDirectory(Path.Combine(folder, "obj"));
            File.WriteAllText(Path.Combine(folder, "obj", "Stale.cs"), blocks.Replace("Expansion = 2", "Expansion = 5", StringComparison.Ordinal));

            await using var client = new LspProcessClient(RepoPaths.ServerDll);
            await client.RequestAsync("initialize", new
            {
                processId = Environment.ProcessId,
                rootUri = Uri(folder),
                capabilities = new { workspace = new { codeLens = new { refreshSupport = true } } },
            });
            await client.NotifyAsync("initialized", new { });
            var modelUri = Uri(modelPath);
            var blocksUri = Uri(blocksPath);
            await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = modelUri, languageId = "csharp", version = 1, text = model } });

            // Blocks.cs is not open: the server read it from the folder (obj/ is skipped, else ResidualBlock would be ambiguous).
            await LensAsync(client, modelUri, "9,060 params");
            var (line, character) = TextPositions.Find(model, "ResidualNet :");
            var hover = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri = modelUri }, position = new { line, character = character + 2 } });
            Assert.Contains("9,060", hover!["contents"]!["value"]!.GetValue<string>());

            // Open and edit the block file (not saved): Expansion 2 -> 1. Linear(16, 32) 544; 2 blocks of 2 x Linear(32, 32) 1,056; Linear(32, 2) 66.
            await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = blocksUri, languageId = "csharp", version = 1, text = blocks } });
            var (eLine, eCharacter) = TextPositions.Find(blocks, "Expansion = 2");
            var refreshesBefore = client.Notifications.Count(n => n.Method == "workspace/codeLens/refresh");
            await client.NotifyAsync("textDocument/didChange", new
            {
                textDocument = new { uri = blocksUri, version = 2 },
                contentChanges = new[] { new { range = new { start = new { line = eLine, character = eCharacter + 12 }, end = new { line = eLine, character = eCharacter + 13 } }, text = "1" } },
            });
            await LensAsync(client, modelUri, Count(544 + 2 * 2 * 1056 + 66) + " params");
            await client.WaitForAsync("workspace/codeLens/refresh", _ => client.Notifications.Count(n => n.Method == "workspace/codeLens/refresh") > refreshesBefore, Wait);

            // Close without saving: the disk copy (Expansion 2) is what the model file is read with again.
            await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri = blocksUri } });
            await LensAsync(client, modelUri, "9,060 params");

            // The block file changes on disk (Expansion 3): Linear(32, 96) 3,168 + Linear(96, 32) 3,104 per block; Linear(32, 6) 198.
            File.WriteAllText(blocksPath, blocks.Replace("Expansion = 2", "Expansion = 3", StringComparison.Ordinal));
            await client.NotifyAsync("workspace/didChangeWatchedFiles", new { changes = new[] { new { uri = blocksUri, type = 2 } } });
            await LensAsync(client, modelUri, Count(544 + 2 * (3168 + 3104) + 198) + " params");

            // Deleted: the block is unknown again (a lower bound, never a guess).
            File.Delete(blocksPath);
            await client.NotifyAsync("workspace/didChangeWatchedFiles", new { changes = new[] { new { uri = blocksUri, type = 3 } } });
            await LensAsync(client, modelUri, "+ params");

            await client.RequestAsync("shutdown", null);
            await client.NotifyAsync("exit", null);
            Assert.Equal(0, await client.WaitForExitAsync(Wait));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Asks for the document's lenses until one title contains <paramref name="expected"/>.</summary>
    private static async Task LensAsync(LspProcessClient client, string uri, string expected)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var titles = new List<string>();
        while (clock.Elapsed < Wait)
        {
            var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
            titles = lenses!.AsArray().Select(l => l!["command"]!["title"]!.GetValue<string>()).ToList();
            if (titles.Any(t => t.Contains(expected, StringComparison.Ordinal)))
                return;
            await Task.Delay(100);
        }
        Assert.Fail($"no lens with '{expected}' within {Wait.TotalSeconds} s; last: {string.Join(" | ", titles)}");
    }

    private static string Count(int value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Uri(string path) => new System.Uri(path).AbsoluteUri;
}
