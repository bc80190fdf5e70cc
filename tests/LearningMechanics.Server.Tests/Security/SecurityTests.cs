using System.Text.Json.Nodes;
using LearningMechanics.Frontends.Tests.Onnx;

namespace LearningMechanics.Server.Tests.Security;

/// <summary>
/// Security properties of the server process: workspace code is read, never compiled or run; analysis writes nothing
/// into the workspace; ONNX reads stay inside the workspace; the trainer child runs under a memory cap.
/// </summary>
public sealed class SecurityTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Analysis_HostileWorkspace_RunsNoCode_WritesNothing()
    {
        using var workspace = new TempFolder();
        var marker = Path.Combine(Path.GetTempPath(), $"lm-security-marker-{Guid.NewGuid():N}");
        // Every way C# or MSBuild could run this code would create the marker: static constructor, module initializer,
        // Main, a build target. None of them may run.
        var source = $$"""
            using System.IO;
            using System.Runtime.CompilerServices;
            using TorchSharp;
            using static TorchSharp.torch.nn;

            public static class Hostile
            {
                static Hostile() => File.WriteAllText(@"{{marker}}", "static constructor ran");

                [ModuleInitializer]
                internal static void Init() => File.WriteAllText(@"{{marker}}", "module initializer ran");

                public static void Main() => File.WriteAllText(@"{{marker}}", "Main ran");

                public static void Train()
                {
                    var model = Sequential(Linear(16, 16), ReLU(), Linear(16, 4));
                    var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                }
            }
            """;
        var path = Path.Combine(workspace.Path, "Hostile.cs");
        File.WriteAllText(path, source);
        File.WriteAllText(Path.Combine(workspace.Path, "Hostile.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>
              <Target Name="Marker" BeforeTargets="Restore;Build;CoreCompile"><WriteLinesToFile File="{{marker}}" Lines="msbuild ran" /></Target>
            </Project>
            """);
        File.WriteAllText(Path.Combine(workspace.Path, "Directory.Build.props"), $$"""<Project><Target Name="M" BeforeTargets="Build"><WriteLinesToFile File="{{marker}}" Lines="props ran" /></Target></Project>""");
        var before = Snapshot(workspace.Path);

        await using var client = await StartAsync(workspace.Path);
        var uri = new Uri(path).AbsoluteUri;
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = source } });
        await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri, Wait);
        var line = source.Split('\n').ToList().FindIndex(l => l.Contains("Linear(16, 16)", StringComparison.Ordinal));
        var hover = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line, character = source.Split('\n')[line].IndexOf("Linear", StringComparison.Ordinal) + 2 } });
        Assert.NotNull(hover); // The model was read: the file was analysed, not skipped.
        await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        await client.RequestAsync("textDocument/diagnostic", new { textDocument = new { uri } });
        // A closed file read from disk (hover on a document the editor has not opened) goes the same way.
        await client.RequestAsync("textDocument/hover", new { textDocument = new { uri = new Uri(Path.Combine(workspace.Path, "Hostile.csproj")).AbsoluteUri }, position = new { line = 0, character = 0 } });
        await ShutdownAsync(client);

        Assert.False(File.Exists(marker), File.Exists(marker) ? File.ReadAllText(marker) : "");
        Assert.Equal(before, Snapshot(workspace.Path));
    }

    [Fact]
    public async Task Onnx_ExternalDataLeavingTheWorkspace_IsRefused_WritesNothing()
    {
        using var outside = new TempFolder();
        using var workspace = new TempFolder();
        var factory = TestModels.Mlp();
        factory.MoveToExternal(outside.Path, "secret.bin");
        foreach (var entry in factory.Graph.Initializer.SelectMany(t => t.ExternalData).Where(e => e.Key == "location"))
            entry.Value = Path.Combine("..", Path.GetFileName(outside.Path), "secret.bin");
        var escaping = factory.Save(Path.Combine(workspace.Path, "escaping.onnx"));
        // And a link inside the workspace that points out of it.
        var linked = TestModels.Mlp();
        linked.MoveToExternal(outside.Path, "secret2.bin");
        File.CreateSymbolicLink(Path.Combine(workspace.Path, "secret2.bin"), Path.Combine(outside.Path, "secret2.bin"));
        var throughLink = linked.Save(Path.Combine(workspace.Path, "linked.onnx"));
        var before = Snapshot(workspace.Path);
        var outsideBefore = Snapshot(outside.Path);

        await using var client = await StartAsync(workspace.Path);
        foreach (var model in new[] { escaping, throughLink })
        {
            var uri = new Uri(model).AbsoluteUri;
            await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "onnx", version = 1, text = "" } });
            var published = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri, Wait);
            var messages = published!["diagnostics"]!.AsArray().Select(d => d!["message"]!.GetValue<string>()).ToList();
            Assert.Contains(messages, m => m.Contains("leaves the model's folder", StringComparison.Ordinal));
        }
        await ShutdownAsync(client);
        Assert.Equal(before, Snapshot(workspace.Path));
        Assert.Equal(outsideBefore, Snapshot(outside.Path));
    }

    [Fact]
    [Trait("Category", "Trainer")]
    public async Task Validation_TrainerOverItsMemoryCap_IsKilledAndReported()
    {
        await using var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { }, initializationOptions = new { learningMechanics = new { trainer = new { maxMemoryMB = 40 } } } });
        await client.NotifyAsync("initialized", new { });
        var uri = new Uri(Path.Combine(Path.GetTempPath(), "lm-security-cap", "Small.cs")).AbsoluteUri;
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = Reliability.TrainerKills.Model } });
        var summary = await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { uri } });
        var only = summary!.AsArray().Single()!;
        Assert.Equal("validation-failed", only["outcome"]!.GetValue<string>());
        var message = only["message"]!.GetValue<string>();
        Assert.True(message.Contains("exceeded the limit of 40 MB", StringComparison.Ordinal), message);
        Assert.Empty(Reliability.TrainerKills.Trainers(client.ProcessId));
        await ShutdownAsync(client);
    }

    private static async Task<LspProcessClient> StartAsync(string root)
    {
        var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, rootUri = new Uri(root).AbsoluteUri, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    private static async Task ShutdownAsync(LspProcessClient client)
    {
        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Every entry under the folder with its size and last write time (links not followed).</summary>
    private static string Snapshot(string folder) =>
        string.Join("\n", new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f.FullName)} {(f is FileInfo file && file.LinkTarget is null ? file.Length : -1)} {f.LastWriteTimeUtc.Ticks}"));

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("lm-security-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
