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

    /// <summary>Writes every list; blocks until Redis acknowledged all of them (throws when Redis fails).</summary>
    public void Write(IReadOnlyList<RecommendationList> lists)
    {
        for (int start = 0; start < lists.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, lists.Count - start);
            var batch = db.CreateBatch();
            var tasks = new Task<bool>[n];
            for (int i = 0; i < n; i++)
            {
                var list = lists[start + i];
                byte[] value = list.ToUtf8();
                BytesWritten += value.Length;
                tasks[i] = batch.StringSetAsync(keys.List(list.Msno, list.Context), value, ttl);
            }
            batch.Execute();
            Task.WaitAll(tasks);
            ListsWritten += n;
        }
    }

    public void WritePopular(RecommendationList list) => db.StringSet(keys.Popular, list.ToUtf8(), ttl);

    public void SetCurrentModel(long version) => db.StringSet(keys.CurrentModel, version);
}
