
namespace LearningMechanics.Trainer.Protocol.Data;

/// <summary>Reads the inputs and targets a <see cref="DataSpec"/> names, bounded in size.</summary>
public static class DataFiles
{
    /// <summary>At most this many values per array (1 GiB as doubles): the trainer trains on a sample, not a dataset.</summary>
    public const long MaxElements = 128L << 20;

    public static (DataArray Inputs, DataArray Targets) Read(DataSpec spec, long maxSamples)
    {
        if (!File.Exists(spec.Inputs))
            throw new DataFormatException($"data file {spec.Inputs} does not exist");
        switch (spec.Format)
        {
            case "csv":
                return CsvFile.Read(spec.Inputs, spec.TargetColumn, maxSamples);
            case "npy" or "idx":
                if (spec.Targets is null || !File.Exists(spec.Targets))
                    throw new DataFormatException($"the {spec.Format} data needs a targets file; {spec.Targets ?? "none"} was given");
                var read = spec.Format == "npy" ? (Func<string, long, DataArray>)NpyFile.Read : IdxFile.Read;
                var inputs = read(spec.Inputs, maxSamples);
                var targets = read(spec.Targets, maxSamples);
                if (inputs.Samples != targets.Samples)
                    throw new DataFormatException($"{Path.GetFileName(spec.Inputs)} has {inputs.Samples} samples but {Path.GetFileName(spec.Targets)} has {targets.Samples}");
                return (inputs, targets);
            default:
                throw new DataFormatException($"data format '{spec.Format}' is unknown; use one of {string.Join(", ", DataSpec.Formats)}");
        }
    }
}
