using System.Buffers.Binary;
using System.Text;

namespace LearningMechanics.Trainer.Runtime;

/// <summary>
/// Detects the one known way TorchSharp 0.107.0 fails to load on Debian 12: libLibTorchSharp.so needs GLIBCXX_3.4.32
/// (GCC 13's libstdc++) and the system libstdc++ stops at 3.4.30. TorchSharp then says the package "doesn't contain a
/// reference to libtorch-cpu-linux-x64", which sends people the wrong way. See ENVIRONMENT.md and build/patch-glibcxx.sh.
/// </summary>
public static class GlibcxxCheck
{
    private const string NeededVersion = "GLIBCXX_3.4.32";
    private const ushort VerFlagWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>An actionable message when the native library cannot load for this reason, else null.</summary>
    public static string? Diagnose(string nativeDirectory)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var library = Path.Combine(nativeDirectory, "libLibTorchSharp.so");
        if (!File.Exists(library))
            return null;
        ushort? flags;
        try
        {
            flags = ReadVersionNeedFlags(File.ReadAllBytes(library), NeededVersion);
        }
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
        if (flags is not ushort f || (f & VerFlagWeak) != 0)
            return null;
        var libstdcxx = FindSystemLibstdcxx();
        if (libstdcxx is null || ContainsAscii(libstdcxx, NeededVersion))
            return null;
        return $"TorchSharp's native library {library} requires {NeededVersion} (GCC 13's libstdc++), but {libstdcxx} " +
               $"does not provide it (Debian 12 ships GLIBCXX_3.4.30). TorchSharp would report this as a missing " +
               $"libtorch-cpu-linux-x64 reference; that message is misleading. Fix: rebuild the trainer " +
               $"(`dotnet build server/LearningMechanics.Trainer`), whose build marks that version need WEAK in the output " +
               $"copy (build/patch-glibcxx.sh; needs `readelf` from binutils), or run on a system with libstdc++ from GCC 13 or later.";
    }

    /// <summary>vna_flags of the named version need in an ELF64 little-endian file, or null when absent.</summary>
    public static ushort? ReadVersionNeedFlags(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            return null;
        var span = elf.AsSpan();
        var sectionHeaderOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int sectionHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        for (var sectionIdx = 0; sectionIdx < sectionCount; sectionIdx++)
        {
            var header = span[(int)(sectionHeaderOffset + sectionIdx * sectionHeaderSize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed)
                continue;
            var verneedOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            var stringSectionIdx = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var stringHeader = span[(int)(sectionHeaderOffset + stringSectionIdx * sectionHeaderSize)..];
            var stringsOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(stringHeader[0x18..]);
            var needOffset = verneedOffset;
            while (true)
            {
                var need = span[needOffset..];
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(need[2..]);
                var auxOffset = needOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(need[8..]);
                for (var auxIdx = 0; auxIdx < auxCount; auxIdx++)
                {
                    var aux = span[auxOffset..];
                    var name = ReadCString(span, stringsOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(aux[8..]));
                    if (name == versionName)
                        return BinaryPrimitives.ReadUInt16LittleEndian(aux[4..]);
                    auxOffset += (int)BinaryPrimitives.ReadUInt32LittleEndian(aux[12..]);
                }
                var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(need[12..]);
                if (next == 0)
                    break;
                needOffset += next;
            }
        }
        return null;
    }

    private static string ReadCString(ReadOnlySpan<byte> bytes, int offset)
    {
        var end = bytes[offset..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(bytes.Slice(offset, end < 0 ? bytes.Length - offset : end));
    }

    private static string? FindSystemLibstdcxx()
    {
        // The dotnet host is C++ and has loaded libstdc++ already: /proc/self/maps names the one in use.
        try
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
            if (mapped is not null && File.Exists(mapped))
                return mapped;
        }
        catch (IOException)
        {
        }
        string[] candidates = ["/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6"];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static bool ContainsAscii(string path, string text) =>
        File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;
}
