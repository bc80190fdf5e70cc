using System.Text;
using LearningMechanics.Analysis.Validation;

namespace LearningMechanics.Analysis.Tests;

/// <summary>The "data" entry of learningmechanics.json: parsed, checked against the files, confined to the workspace.</summary>
public sealed class WorkspaceDataTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lmech-ws-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("lmech-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public void NoSettingsFile_NoData()
    {
        Assert.Equal(WorkspaceDataResult.None, WorkspaceData.Load(_root));
    }

    [Fact]
    public void NpyPair_BecomesASpecWithAbsolutePathsAndFingerprint()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        WriteNpy(Path.Combine(_root, "data", "x.npy"), "<f4", "(2, 3)", 6, 4);
        WriteNpy(Path.Combine(_root, "data", "y.npy"), "<i8", "(2,)", 2, 8);
        Settings("""{ "models": {}, "data": { "inputs": "data/x.npy", "targets": "data/y.npy", "standardize": false } }""");
        var result = WorkspaceData.Load(_root);
        Assert.Null(result.Error);
        Assert.Equal("npy", result.Data!.Format);
        Assert.Equal(Path.Combine(_root, "data", "x.npy"), result.Data.Inputs);
        Assert.False(result.Data.Standardize);
        Assert.Matches(@"^\d+@\d+;\d+@\d+$", result.Data.Fingerprint);
    }

    [Fact]
    public void ForDocument_FindsTheNearestSettingsAbove()
    {
        Directory.CreateDirectory(Path.Combine(_root, "src", "models"));
        File.WriteAllText(Path.Combine(_root, "t.csv"), "1,2,0\n");
        Settings("""{ "data": { "inputs": "t.csv" } }""");
        var result = WorkspaceData.ForDocument(Path.Combine(_root, "src", "models", "Net.cs"));
        Assert.Equal(Path.Combine(_root, "t.csv"), result.Data?.Inputs);
        Assert.Equal(WorkspaceDataResult.None, WorkspaceData.ForDocument("relative/Net.cs"));
    }

    [Fact]
    public void CsvWithColumnIndex_AndFormatFromExtension()
    {
        File.WriteAllText(Path.Combine(_root, "t.csv"), "1,2,0\n3,4,1\n");
        Settings("""{ "data": { "inputs": "t.csv", "targetColumn": 2 } }""");
        var result = WorkspaceData.Load(_root);
        Assert.Null(result.Error);
        Assert.Equal(("csv", "2"), (result.Data!.Format, result.Data.TargetColumn));
    }

    [Theory]
    [InlineData("""{ "data": { "inputs": "../escape.npy", "targets": "y.npy" } }""", "leaves the workspace")]
    [InlineData("""{ "data": { "inputs": "/etc/passwd", "format": "csv" } }""", "is absolute")]
    [InlineData("""{ "data": { "inputs": "missing.npy", "targets": "y.npy" } }""", "does not exist")]
    [InlineData("""{ "data": { "inputs": "t.csv", "format": "parquet" } }""", "format 'parquet' is unknown")]
    [InlineData("""{ "data": { "inputs": "x.npy" } }""", "names no \"targets\"")]
    [InlineData("""{ "data": { "inputs": "t.csv" """, "not valid JSON")]
    [InlineData("""{ "data": { "inputs": "t.csv", "targetColumn": "nope" } }""", "target column 'nope'")]
    [InlineData("""{ "data": { "inputs": "t.csv", "format": "npy", "targets": "t.csv" } }""", "not a .npy file")]
    public void BadEntries_AreClearErrors(string json, string expected)
    {
        WriteNpy(Path.Combine(_root, "x.npy"), "<f4", "(1, 1)", 1, 4);
        File.WriteAllText(Path.Combine(_root, "t.csv"), "a,b\n1,2\n");
        Settings(json);
        var result = WorkspaceData.Load(_root);
        Assert.Null(result.Data);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void SymlinkLeavingTheWorkspace_IsRefused()
    {
        File.WriteAllText(Path.Combine(_outside, "secret.csv"), "1,2\n");
        File.CreateSymbolicLink(Path.Combine(_root, "link.csv"), Path.Combine(_outside, "secret.csv"));
        Settings("""{ "data": { "inputs": "link.csv" } }""");
        Assert.Contains("link that leaves the workspace", WorkspaceData.Load(_root).Error);
    }

    private void Settings(string json) => File.WriteAllText(Path.Combine(_root, WorkspaceData.FileName), json);

    /// <summary>A version-1 .npy file (numpy.lib.format) of zeros.</summary>
    private static void WriteNpy(string path, string descr, string shape, int count, int itemSize)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(header.Length + (64 - (11 + header.Length) % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(new byte[count * itemSize]);
    }
}
