using LearningMechanics.Frontends.Files;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Resolves a tensor's external_data entry (keys location, offset, length; onnx/docs/ExternalData.md) to a file region
/// inside the model's folder. Absolute paths, paths that leave the folder (including through symbolic links) and regions
/// past the end of the file are refused with a message; nothing outside the folder is opened.
/// </summary>
internal static class ExternalData
{
    public sealed record Region(string Path, long Offset, long Length);

    public static (Region? Region, string? Error) Resolve(TensorData tensor, string modelFolder)
    {
        if (!tensor.ExternalData.TryGetValue("location", out var location) || string.IsNullOrEmpty(location))
            return (null, "is stored externally but names no location");
        if (location.Contains('\0') || Path.IsPathRooted(location) || location.Contains(':'))
            return (null, $"external data location '{location}' is absolute; only paths relative to the model's folder are read");
        var folder = Path.GetFullPath(modelFolder);
        var folderWithSeparator = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(folder, location));
        if (!full.StartsWith(folderWithSeparator, StringComparison.Ordinal))
            return (null, $"external data location '{location}' leaves the model's folder; it is not read");
        var info = new FileInfo(full);
        if (!info.Exists)
            return (null, $"external data file '{location}' does not exist next to the model");
        if (ConfinedPath.ResolveLinks(full) is not { } real || !real.StartsWith(folderWithSeparator, StringComparison.Ordinal) && !real.StartsWith(RealFolder(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return (null, $"external data location '{location}' is a link that leaves the model's folder; it is not read");
        long offset = 0;
        if (tensor.ExternalData.TryGetValue("offset", out var offsetText) && !long.TryParse(offsetText, out offset) || offset < 0)
            return (null, $"external data offset '{offsetText}' is not a non-negative integer");
        var length = info.Length - offset;
        if (tensor.ExternalData.TryGetValue("length", out var lengthText) && (!long.TryParse(lengthText, out length) || length < 0))
            return (null, $"external data length '{lengthText}' is not a non-negative integer");
        if (offset > info.Length || length > info.Length - offset)
            return (null, $"external data region [{offset:N0}, +{length:N0}) runs past the end of '{location}' ({info.Length:N0} bytes)");
        return (new Region(full, offset, length), null);
    }

    private static string RealFolder(string folder) => ConfinedPath.ResolveLinks(folder) ?? folder;
}
