using System.Text;
using KkboxNcf.Contracts;

namespace KkboxNcf.Ingest.Resume;

/// <summary>
/// Per partition of a metadata topic, the key of its last message: songs are published in order of
/// their first listen, so every song of that partition up to the marker was delivered, none after it.
/// </summary>
public sealed class MetadataMarkers
{
    readonly byte[]?[] _last;
    readonly bool[] _passed;

    MetadataMarkers(byte[]?[] last)
    {
        _last = last;
        _passed = last.Select(k => k is null).ToArray();
    }

    public static MetadataMarkers None => new([null]);

    public static MetadataMarkers Of(IReadOnlyList<PartitionTail> tails) => new(tails.Select(t => t.Last?.Key).ToArray());

    public bool Empty => _last.All(k => k is null);

    public bool Send(ReadOnlySpan<byte> key)
    {
        if (_last.Length == 1 && _last[0] is null) return true;
        int p = MemberPartitioner.PartitionOfKey(key, _last.Length);
        if (_passed[p]) return true;
        if (key.SequenceEqual(_last[p])) _passed[p] = true;
        return false;
    }

    public IEnumerable<string> Unreached(string topic)
    {
        for (int p = 0; p < _passed.Length; p++)
            if (!_passed[p]) yield return $"{topic}[{p}] (key {Encoding.UTF8.GetString(_last[p]!)})";
    }
}
