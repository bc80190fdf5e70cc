namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// A minimal protobuf wire-format reader over a seekable stream (https://protobuf.dev/programming-guides/encoding/).
/// It tracks the absolute position so that large length-delimited fields (tensor data) can be recorded as regions and
/// skipped with a seek instead of being read into memory. Every declared length is checked against the enclosing limit.
/// </summary>
internal sealed class WireReader
{
    public const int VarintType = 0;
    public const int Fixed64Type = 1;
    public const int LengthDelimitedType = 2;
    public const int Fixed32Type = 5;

    private const int BufferSize = 1 << 16;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart;
    private int _bufferLength;
    private int _bufferOffset;

    public WireReader(Stream stream, long length)
    {
        _stream = stream;
        Limit = length;
    }

    /// <summary>Absolute offset of the next byte.</summary>
    public long Position => _bufferStart + _bufferOffset;

    /// <summary>End of the message being read (absolute offset).</summary>
    public long Limit { get; private set; }

    public bool AtLimit => Position >= Limit;

    /// <summary>Reads the next tag; returns false at the limit. Field number 0 or an unknown wire type is an error.</summary>
    public bool TryReadTag(out int fieldNumber, out int wireType)
    {
        fieldNumber = 0;
        wireType = 0;
        if (AtLimit)
            return false;
        var at = Position;
        var tag = ReadVarint();
        fieldNumber = (int)Math.Min(tag >> 3, int.MaxValue);
        wireType = (int)(tag & 7);
        if (fieldNumber == 0 || wireType is 3 or 4 or 6 or 7)
            throw new OnnxFormatException($"invalid protobuf tag {tag} at byte {at}");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new OnnxFormatException($"malformed varint at byte {Position}");
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads a length prefix and checks that the declared bytes lie inside the enclosing message.</summary>
    public long ReadLength()
    {
        var at = Position;
        var length = ReadVarint();
        var remaining = Limit - Position;
        if (length > (ulong)remaining)
            throw new OnnxFormatException($"field at byte {at} declares {length:N0} bytes but only {remaining:N0} remain (file truncated or corrupt)");
        return (long)length;
    }

    public byte[] ReadBytes(long length)
    {
        if (length > Limit - Position)
            throw new OnnxFormatException($"field at byte {Position} declares {length:N0} bytes past the end of its message");
        if (length > int.MaxValue)
            throw new OnnxFormatException($"field at byte {Position} is {length:N0} bytes, larger than one message may be");
        var result = new byte[length];
        var copied = 0;
        while (copied < length)
        {
            if (_bufferOffset >= _bufferLength)
                Fill();
            var n = Math.Min(_bufferLength - _bufferOffset, (int)length - copied);
            Array.Copy(_buffer, _bufferOffset, result, copied, n);
            _bufferOffset += n;
            copied += n;
        }
        return result;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes(ReadLength()));

    public uint ReadFixed32()
    {
        uint result = 0;
        for (var i = 0; i < 4; i++)
            result |= (uint)ReadByte() << (8 * i);
        return result;
    }

    public ulong ReadFixed64()
    {
        ulong result = 0;
        for (var i = 0; i < 8; i++)
            result |= (ulong)ReadByte() << (8 * i);
        return result;
    }

    /// <summary>Moves to an absolute offset inside the current message (used to skip tensor data).</summary>
    public void SeekTo(long position)
    {
        if (position < Position || position > Limit)
            throw new OnnxFormatException($"cannot skip to byte {position} (message ends at {Limit})");
        var inBuffer = position - _bufferStart;
        if (inBuffer <= _bufferLength)
        {
            _bufferOffset = (int)inBuffer;
            return;
        }
        _stream.Seek(position, SeekOrigin.Begin);
        _bufferStart = position;
        _bufferLength = 0;
        _bufferOffset = 0;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case VarintType:
                ReadVarint();
                break;
            case Fixed64Type:
                SeekTo(CheckedEnd(8));
                break;
            case Fixed32Type:
                SeekTo(CheckedEnd(4));
                break;
            case LengthDelimitedType:
                var length = ReadLength();
                SeekTo(Position + length);
                break;
            default:
                throw new OnnxFormatException($"unsupported wire type {wireType} at byte {Position}");
        }
    }

    /// <summary>Restricts reading to the next <paramref name="length"/> bytes; returns the previous limit for <see cref="PopLimit"/>.</summary>
    public long PushLimit(long length)
    {
        var previous = Limit;
        Limit = Position + length;
        return previous;
    }

    public void PopLimit(long previous)
    {
        SeekTo(Limit);
        Limit = previous;
    }

    private long CheckedEnd(long length)
    {
        if (length > Limit - Position)
            throw new OnnxFormatException($"fixed-size field at byte {Position} runs past the end of its message");
        return Position + length;
    }

    private byte ReadByte()
    {
        if (Position >= Limit)
            throw new OnnxFormatException($"unexpected end of message at byte {Position}");
        if (_bufferOffset >= _bufferLength)
            Fill();
        return _buffer[_bufferOffset++];
    }

    private void Fill()
    {
        var start = _bufferStart + _bufferLength;
        if (_stream.Position != start)
            _stream.Seek(start, SeekOrigin.Begin);
        _bufferStart = start;
        _bufferOffset = 0;
        _bufferLength = _stream.Read(_buffer, 0, BufferSize);
        if (_bufferLength == 0)
            throw new OnnxFormatException($"unexpected end of file at byte {start}");
    }
}
