using KkboxNcf.Contracts;

namespace KkboxNcf.Tests.Contracts;

/// <summary>Every malformed input becomes a MessageFormatException with a reason, never another exception.</summary>
public class MessageDecodeErrorTests
{
    static readonly byte[] Valid = Messages.Encode(new ListenRecorded(1, "m", "s", "", "", "", 1, 0));

    static string Reason(byte[] bytes) =>
        Assert.Throws<MessageFormatException>(() => Messages.Decode<ListenRecorded>(bytes)).Reason;

    [Fact]
    public void EmptyMessageHasNoHeader() => Assert.Contains("no header", Reason([]));

    [Fact]
    public void WrongTypeTagIsNamed() =>
        Assert.Contains("expected a ListenRecorded", Reason(Messages.Encode(new SongExtraUpdated("s", "n", "i"))));

    [Fact]
    public void NewerSchemaVersionIsRefused()
    {
        var bytes = (byte[])Valid.Clone();
        bytes[1] = 9;
        Assert.Contains("schema version 9", Reason(bytes));
    }

    [Fact]
    public void EveryTruncationIsRejected()
    {
        for (int n = 0; n < Valid.Length; n++)
            Assert.Throws<MessageFormatException>(() => Messages.Decode<ListenRecorded>(Valid.AsSpan(0, n)));
    }

    [Fact]
    public void TrailingBytesAreRejected() => Assert.Contains("trailing", Reason([.. Valid, 0]));

    [Fact]
    public void InvalidUtf8IsRejected()
    {
        var w = new MessageWriter().Header(MessageType.ListenRecorded, 1).Long(1);
        var bad = w.ToArray().Concat(new byte[] { 2, 0xC3, 0x28 }).ToArray(); // length 2, invalid sequence
        Assert.Contains("UTF-8", Reason(bad));
    }

    [Fact]
    public void HugeLengthIsRejectedWithoutAllocating()
    {
        var w = new MessageWriter().Header(MessageType.ListenRecorded, 1).Long(1).Long(int.MaxValue);
        Assert.Contains("out of range", Reason(w.ToArray()));
    }

    [Fact]
    public void OutOfRangeTargetIsRejected() =>
        Assert.Contains("target", Reason(Messages.Encode(new ListenRecorded(1, "m", "s", "", "", "", 5, 0))));

    [Fact]
    public void RandomBytesNeverThrowAnythingElse()
    {
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && random.Next(2) == 0) bytes[0] = (byte)MessageType.ListenRecorded;
            if (bytes.Length > 1 && random.Next(2) == 0) bytes[1] = 1;
            Assert.True(Messages.TryDecode<ListenRecorded>(bytes, out var m, out var reason) ? m is not null : reason is not null);
        }
    }
}
