namespace LearningMechanics.Frontends.Onnx;

/// <summary>TensorProto.DataType values (onnx.proto) and their sizes in raw_data, little-endian.</summary>
internal static class OnnxDataTypes
{
    public const int Float = 1;
    public const int UInt8 = 2;
    public const int Int8 = 3;
    public const int UInt16 = 4;
    public const int Int16 = 5;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int String = 8;
    public const int Bool = 9;
    public const int Float16 = 10;
    public const int Double = 11;
    public const int UInt32 = 12;
    public const int UInt64 = 13;
    public const int BFloat16 = 16;

    /// <summary>Bytes per element in raw_data, or 0 for types this reader does not decode (strings, complex, 4/8-bit floats).</summary>
    public static int RawSize(int dataType) => dataType switch
    {
        Float or Int32 or UInt32 => 4,
        Double or Int64 or UInt64 => 8,
        Float16 or BFloat16 or Int16 or UInt16 => 2,
        UInt8 or Int8 or Bool => 1,
        _ => 0,
    };

    public static string Name(int dataType) => dataType switch
    {
        Float => "float32",
        UInt8 => "uint8",
        Int8 => "int8",
        UInt16 => "uint16",
        Int16 => "int16",
        Int32 => "int32",
        Int64 => "int64",
        String => "string",
        Bool => "bool",
        Float16 => "float16",
        Double => "float64",
        UInt32 => "uint32",
        UInt64 => "uint64",
        BFloat16 => "bfloat16",
        _ => $"type {dataType}",
    };
}
