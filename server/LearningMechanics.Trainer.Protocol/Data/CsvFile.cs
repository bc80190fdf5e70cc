using System.Globalization;

namespace LearningMechanics.Trainer.Protocol.Data;

/// <summary>
/// A numeric CSV table, one sample per row: the target column (a header name or a 0-based index; the last column when
/// absent) becomes the targets, the other columns the inputs. The delimiter is the first of ',', ';', tab found in the
/// first line; a first line that does not parse as numbers is the header. Numbers use the invariant culture.
/// </summary>
public static class CsvFile
{
    public static (DataArray Inputs, DataArray Targets) Read(string path, string? targetColumn, long maxSamples)
    {
        using var reader = new StreamReader(path);
        var first = reader.ReadLine() ?? throw new DataFormatException($"{Path.GetFileName(path)} is empty");
        var delimiter = first.Contains(',') ? ',' : first.Contains(';') ? ';' : first.Contains('\t') ? '\t' : ',';
        var firstCells = Split(first, delimiter);
        var hasHeader = firstCells.Any(c => !TryNumber(c, out _));
        var columns = firstCells.Length;
        var target = TargetIndex(path, targetColumn, hasHeader ? firstCells : null, columns);
        var inputs = new List<double>();
        var targets = new List<double>();
        var integral = true;
        var row = 0L;
        var lineNumber = 1;
        for (var line = hasHeader ? reader.ReadLine() : first; line is not null && row < maxSamples; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var cells = Split(line, delimiter);
            if (cells.Length != columns)
                throw new DataFormatException($"{Path.GetFileName(path)}:{lineNumber - (hasHeader ? 0 : 1)}: {cells.Length} columns, the first row has {columns}");
            for (var column = 0; column < columns; column++)
            {
                if (!TryNumber(cells[column], out var value))
                    throw new DataFormatException($"{Path.GetFileName(path)}:{lineNumber - (hasHeader ? 0 : 1)}: '{cells[column]}' in column {column} is not a number");
                if (column == target)
                {
                    targets.Add(value);
                    integral &= value == Math.Floor(value);
                }
                else
                {
                    inputs.Add(value);
                }
            }
            row++;
            if (inputs.Count > DataFiles.MaxElements)
                throw new DataFormatException($"{Path.GetFileName(path)}: more than {DataFiles.MaxElements} values; lower \"maxSamples\"");
        }
        if (row == 0)
            throw new DataFormatException($"{Path.GetFileName(path)} has no data rows");
        return (new DataArray([.. inputs], [row, columns - 1], false), new DataArray([.. targets], [row], integral));
    }

    private static int TargetIndex(string path, string? targetColumn, string[]? header, int columns)
    {
        if (targetColumn is null)
            return columns - 1;
        if (header is not null && Array.FindIndex(header, h => h.Trim('"') == targetColumn) is var named and >= 0)
            return named;
        if (int.TryParse(targetColumn, out var index) && index >= 0 && index < columns)
            return index;
        throw new DataFormatException($"{Path.GetFileName(path)}: target column '{targetColumn}' is neither a header name nor an index below {columns}");
    }

    private static string[] Split(string line, char delimiter) => line.Split(delimiter).Select(c => c.Trim()).ToArray();

    private static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
