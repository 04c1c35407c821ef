using KkboxNcf.Contracts;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Fuzz;

/// <summary>
/// Mutated and random bytes into the decoder of every message type, as a consumer of each topic
/// meets them. Each input either decodes (and then re-encodes to a message that decodes to the same
/// bytes again) or is refused with a reason, which the Trainer and Scorer send to the dead-letter
/// topic; nothing else is thrown, nothing hangs, and a short message never makes the decoder
/// allocate much more than its own size. Inputs tried are printed (docs/fuzzing.md).
/// </summary>
public class MessageFuzzTests(ITestOutputHelper output)
{
    const int MutantsPerType = 20_000;

    delegate bool Decoder(byte[] bytes, out byte[]? reencoded, out string? reason);

    static readonly (string Name, Decoder Decode)[] Decoders =
    [
        ("ListenRecorded", Decode<ListenRecorded>),
        ("MemberUpdated", Decode<MemberUpdated>),
        ("SongUpdated", Decode<SongUpdated>),
        ("SongExtraUpdated", Decode<SongExtraUpdated>),
        ("CheckpointPublished", Decode<CheckpointPublished>),
    ];

    static bool Decode<T>(byte[] bytes, out byte[]? reencoded, out string? reason) where T : class, IMessage<T>
    {
        reencoded = null;
        if (!Messages.TryDecode<T>(bytes, out var message, out reason)) return false;
        reencoded = Messages.Encode(message!);
        return true;
    }

    [Fact]
    public void MutatedMessagesDecodeOrAreRefusedWithAReason()
    {
        var random = new Random(2024);
        long tried = 0, decoded = 0, refused = 0;
        var reasons = new Dictionary<string, long>();
        Bounded.Run(() =>
        {
            foreach (var valid in ValidMessages(random))
            {
                var other = ValidMessages(random).ElementAt(random.Next(5));
                for (int i = 0; i < MutantsPerType; i++)
                {
                    byte[] input = Mutate(random, valid, other);
                    // every consumer meets every message: a listen on the members topic is as possible as a damaged one
                    foreach (var (name, decode) in Decoders)
                    {
                        tried++;
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        bool ok = decode(input, out var reencoded, out var reason);
                        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                        Assert.True(allocated <= 64L * input.Length + 64 * 1024,
                            $"{name}: decoding {input.Length} bytes allocated {allocated:N0} bytes: {Convert.ToHexString(input)}");
                        if (ok)
                        {
                            decoded++;
                            // what decoded is a message: it encodes and decodes again to the same bytes
                            Assert.True(decode(reencoded!, out var again, out var reason2), $"{name}: re-encoded message refused: {reason2}");
                            Assert.Equal(reencoded, again);
                        }
                        else
                        {
                            Assert.False(string.IsNullOrWhiteSpace(reason), $"{name}: refused without a reason");
                            refused++;
                            string key = ReasonKind(reason!);
                            reasons[key] = reasons.GetValueOrDefault(key) + 1;
                        }
                    }
                }
            }
            return tried;
        }, TimeSpan.FromMinutes(2), "decoding the mutated messages");

        Assert.Equal(5L * MutantsPerType * Decoders.Length, tried);
        Assert.Equal(tried, decoded + refused);
        Assert.True(decoded > 0 && refused > 0);
        output.WriteLine($"fuzz messages: {tried:N0} decodes tried ({5 * MutantsPerType:N0} inputs x {Decoders.Length} decoders): {decoded:N0} decoded, {refused:N0} refused (dead letter)");
        foreach (var (reason, n) in reasons.OrderByDescending(kv => kv.Value).Take(15)) output.WriteLine($"  {n,9:N0}  {reason}");
    }

    [Fact]
    public void ACountTheMessageCannotHoldIsRefusedBeforeAllocating()
    {
        // a SongUpdated whose genres claim a million strings in 12 bytes
        var w = new MessageWriter().Header(MessageType.SongUpdated, 1).String("s").Int(1).Long(1_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.False(Messages.TryDecode<SongUpdated>(w.ToArray(), out _, out var reason));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        Assert.Contains("does not fit", reason);

        var c = new MessageWriter().Header(MessageType.CheckpointPublished, 1).Long(1).String("u").String("h").Long(1_000_000);
        Assert.False(Messages.TryDecode<CheckpointPublished>(c.ToArray(), out _, out reason));
        Assert.Contains("offsets of 1000000 elements", reason);
    }

    static string ReasonKind(string reason) =>
        reason.Contains("expected a") ? "wrong type tag" :
        reason.Contains("schema version") ? "unsupported schema version" :
        System.Text.RegularExpressions.Regex.Replace(reason, @"(?<![A-Za-z-])-?\d+", "N");

    static IEnumerable<byte[]> ValidMessages(Random r)
    {
        string Text() => r.Next(4) switch { 0 => "", 1 => "周杰倫", 2 => Convert.ToBase64String(BitConverter.GetBytes(r.NextInt64())), _ => "a|b" };
        yield return Messages.Encode(new ListenRecorded(r.NextInt64(1, 10_000_000), "m" + Text(), "s" + Text(), Text(), Text(), Text(), r.Next(-1, 2), r.NextInt64()));
        yield return Messages.Encode(new MemberUpdated("m" + Text(), r.Next(1, 22), r.Next(-50, 1000), Text(), r.Next(), r.Next(), r.Next()));
        yield return Messages.Encode(new SongUpdated("s" + Text(), r.Next(), [Text(), Text()], [Text()], [], [Text(), Text(), Text()], r.Next(-1, 60)));
        yield return Messages.Encode(new SongExtraUpdated("s" + Text(), Text(), Text()));
        yield return Messages.Encode(new CheckpointPublished(r.NextInt64(), "/ckpt/" + Text(), Text(), [new(0, r.NextInt64()), new(7, 3)],
            r.NextInt64(), new Dictionary<string, double> { ["auc"] = r.NextDouble(), [Text() + "x"] = double.NaN }, r.NextInt64()));
    }

    internal static byte[] Mutate(Random r, byte[] valid, byte[] other)
    {
        switch (r.Next(10))
        {
            case 0:
            {
                var copy = (byte[])valid.Clone();
                for (int n = r.Next(1, 4); n > 0; n--) copy[r.Next(copy.Length)] ^= (byte)(1 << r.Next(8));
                return copy;
            }
            case 1: return valid[..r.Next(valid.Length + 1)];
            case 2: return [.. valid[..r.Next(valid.Length + 1)], .. other[r.Next(other.Length + 1)..]];
            case 3:
            {
                int at = r.Next(valid.Length + 1);
                var junk = new byte[r.Next(1, 12)];
                r.NextBytes(junk);
                return [.. valid[..at], .. junk, .. valid[at..]];
            }
            case 4:
            {
                int at = r.Next(valid.Length), n = r.Next(1, Math.Min(8, valid.Length - at) + 1);
                return [.. valid[..at], .. valid[(at + n)..]];
            }
            case 5:
            {
                var copy = (byte[])valid.Clone();
                copy[r.Next(2)] = (byte)r.Next(256); // the type tag or the schema version
                return copy;
            }
            case 6:
            {
                // a varint of a huge or negative length or count somewhere
                int at = r.Next(2, valid.Length + 1);
                byte[] varint = r.Next(2) == 0 ? [0xFE, 0xFF, 0xFF, 0xFF, 0x0F] : [0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
                return [.. valid[..at], .. varint, .. valid[at..]];
            }
            case 7:
            {
                int at = r.Next(2, valid.Length + 1);
                byte[][] bad = [[2, 0xC3, 0x28], [6, 0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], [2, 0xFF, 0xFE], [4, 0, 0, 0, 0]];
                return [.. valid[..at], .. bad[r.Next(bad.Length)], .. valid[at..]];
            }
            case 8: return [.. valid, .. other];
            default:
            {
                var bytes = new byte[r.Next(0, 96)];
                r.NextBytes(bytes);
                return bytes;
            }
        }
    }
}
