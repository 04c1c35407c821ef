using System.IO.Hashing;
using System.Text;

namespace KkboxNcf.Contracts;

/// <summary>
/// The partition of the listens topic a member's listens go to, computed as the producers do:
/// librdkafka's default partitioner ("consistent_random") takes CRC-32 (IEEE) of the key bytes
/// modulo the partition count. The Scorer uses it to know which members it owns without having
/// seen their listens; a producer configured with another partitioner breaks this (the Scorer then
/// still learns the partition of every member whose listens it reads).
/// </summary>
public static class MemberPartitioner
{
    public static int PartitionOf(string msno, int partitions)
    {
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "a topic has at least one partition");
        int max = Encoding.UTF8.GetMaxByteCount(msno.Length);
        Span<byte> buffer = max <= 256 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(msno, buffer);
        return PartitionOfKey(buffer[..n], partitions);
    }

    /// <summary>The same for any key's UTF-8 bytes (song ids on the metadata topics go through the same partitioner).</summary>
    public static int PartitionOfKey(ReadOnlySpan<byte> key, int partitions)
    {
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "a topic has at least one partition");
        return (int)(Crc32.HashToUInt32(key) % (uint)partitions);
    }
}
