namespace KkboxNcf.Contracts;

/// <summary>A message with a compact binary form. Version is the schema version this code writes.</summary>
public interface IMessage<TSelf> where TSelf : IMessage<TSelf>
{
    static abstract MessageType Type { get; }
    static abstract byte Version { get; }
    void WriteFields(MessageWriter writer);

    /// <summary>Reads the fields of a message of the given schema version (header already read).</summary>
    static abstract TSelf ReadFields(ref MessageReader reader, byte version);
}

public static class Messages
{
    public static byte[] Encode<T>(T message) where T : IMessage<T>
    {
        var writer = new MessageWriter();
        Encode(message, writer);
        return writer.ToArray();
    }

    public static void Encode<T>(T message, MessageWriter writer) where T : IMessage<T>
    {
        writer.Header(T.Type, T.Version);
        message.WriteFields(writer);
    }

    /// <summary>Decodes a whole message; throws MessageFormatException with the reason when it cannot.</summary>
    public static T Decode<T>(ReadOnlySpan<byte> data) where T : IMessage<T>
    {
        var reader = new MessageReader(data);
        byte version = reader.Header(T.Type);
        if (version == 0 || version > T.Version)
            throw new MessageFormatException($"{T.Type} schema version {version} is not supported (this code reads 1..{T.Version})");
        var message = T.ReadFields(ref reader, version);
        reader.End(T.Type);
        return message;
    }

    public static bool TryDecode<T>(ReadOnlySpan<byte> data, out T? message, out string? reason) where T : class, IMessage<T>
    {
        try
        {
            message = Decode<T>(data);
            reason = null;
            return true;
        }
        catch (MessageFormatException e)
        {
            message = null;
            reason = e.Reason;
            return false;
        }
    }
}
