using KkboxNcf.Contracts.Serving;
using StackExchange.Redis;

namespace KkboxNcf.Scorer.Redis;

/// <summary>
/// Writes lists to Redis: one SET with a TTL per list (replacing the list whole, so a reader sees the
/// old list or the new one, never a gap or a mix), pipelined in batches whose replies are awaited
/// together. Lists of members no refresh reaches any more expire with their TTL.
/// </summary>
public sealed class ListWriter(IDatabase db, RedisKeys keys, TimeSpan ttl, int batchSize = 512)
{
    public long ListsWritten { get; private set; }

    public long BytesWritten { get; private set; }

    /// <summary>Time spent turning lists into their JSON values, and sending them until Redis acknowledged them.</summary>
    public TimeSpan SerializeTime => _serialize.Elapsed;

    public TimeSpan SendTime => _send.Elapsed;

    readonly System.Diagnostics.Stopwatch _serialize = new(), _send = new();

    /// <summary>
    /// Writes every list; blocks until Redis acknowledged all of them (throws when Redis fails).
    /// Every batch is sent before any reply is awaited, so the connection stays full.
    /// </summary>
    public void Write(IReadOnlyList<RecommendationList> lists)
    {
        _serialize.Start();
        var values = new byte[lists.Count][];
        for (int i = 0; i < lists.Count; i++)
        {
            values[i] = lists[i].ToUtf8();
            BytesWritten += values[i].Length;
        }
        _serialize.Stop();
        _send.Start();
        var tasks = new Task<bool>[lists.Count];
        for (int start = 0; start < lists.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, lists.Count - start);
            var batch = db.CreateBatch();
            for (int i = start; i < start + n; i++)
                tasks[i] = batch.StringSetAsync(keys.List(lists[i].Msno, lists[i].Context), values[i], ttl);
            batch.Execute();
        }
        Task.WaitAll(tasks);
        _send.Stop();
        ListsWritten += lists.Count;
    }

    public void WritePopular(RecommendationList list) => db.StringSet(keys.Popular, list.ToUtf8(), ttl);

    /// <summary>Throws when Redis is not answering (a RedisException or a timeout).</summary>
    public void Ping() => db.Ping();

    public void SetCurrentModel(long version) => db.StringSet(keys.CurrentModel, version);
}
