using KkboxNcf.Contracts.Serving;
using StackExchange.Redis;

namespace KkboxNcf.Scorer.Redis;

/// <summary>
/// Writes lists to Redis: one SET with a TTL per list (replacing the list whole, so a reader sees the
/// old list or the new one, never a gap or a mix), pipelined in batches whose replies are awaited
/// together. Lists of members no refresh reaches any more expire with their TTL.
/// </summary>
public sealed class ListWriter(IDatabase db, RedisKeys keys, TimeSpan ttl, int batchSize = ListWriter.DefaultBatch)
{
    /// <summary>
    /// SETs per pipelined batch. Small enough that Redis starts on the first batch while the next ones
    /// are serialised and sent (one batch of a whole block left Redis idle until the client had written
    /// megabytes), large enough to amortise a batch's own cost.
    /// </summary>
    public const int DefaultBatch = 64;

    public long ListsWritten { get; private set; }

    public long BytesWritten { get; private set; }

    /// <summary>Bytes of the keys written (the same-run reference writes keys of the same length).</summary>
    public long KeyBytesWritten { get; private set; }

    /// <summary>Time spent turning lists into their stored values (inside WriteTime).</summary>
    public TimeSpan SerializeTime => _serialize.Elapsed;

    /// <summary>Time from the first value serialised to the last SET acknowledged, summed over Write calls.</summary>
    public TimeSpan WriteTime => _write.Elapsed;

    readonly System.Diagnostics.Stopwatch _serialize = new(), _write = new();

    /// <summary>
    /// Writes every list; blocks until Redis acknowledged all of them (throws when Redis fails).
    /// Each batch goes out as soon as it is serialised, before any reply is awaited, so Redis works on
    /// one batch while the next is prepared and the connection stays full.
    /// </summary>
    public void Write(IReadOnlyList<RecommendationList> lists)
    {
        _write.Start();
        var tasks = new Task<bool>[lists.Count];
        for (int start = 0; start < lists.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, lists.Count - start);
            _serialize.Start();
            var values = new byte[n][];
            for (int i = 0; i < n; i++)
            {
                values[i] = lists[start + i].ToUtf8();
                BytesWritten += values[i].Length;
            }
            _serialize.Stop();
            var batch = db.CreateBatch();
            for (int i = 0; i < n; i++)
            {
                string key = keys.List(lists[start + i].Msno, lists[start + i].Context);
                KeyBytesWritten += System.Text.Encoding.UTF8.GetByteCount(key);
                tasks[start + i] = batch.StringSetAsync(key, values[i], ttl);
            }
            batch.Execute();
        }
        Task.WaitAll(tasks);
        _write.Stop();
        ListsWritten += lists.Count;
    }

    public void WritePopular(RecommendationList list) => db.StringSet(keys.Popular, list.ToUtf8(), ttl);

    /// <summary>Throws when Redis is not answering (a RedisException or a timeout).</summary>
    public void Ping() => db.Ping();

    public void SetCurrentModel(long version) => db.StringSet(keys.CurrentModel, version);
}
