using KkboxNcf.Contracts;
using KkboxNcf.Model.Lists;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Scorer.Members;

/// <summary>
/// Everything the Scorer counts from each listen it reads, in one place so the service, the
/// benchmarks and the list protocol (bench lists) count alike: member activity (contexts, heard and
/// recent songs), song trends and recent plays per tab. The co-listen neighbours are built
/// from the members' recent songs (Histories) on demand, since a build costs far more than a listen.
/// Single-threaded.
/// </summary>
public sealed class ListenCounts(double halfLifeListens, int recentSongs = MemberActivity.DefaultRecentSongs)
{
    public MemberActivity Activity { get; } = new(recentSongs);
    public SongTrends Trends { get; } = new(halfLifeListens);
    public ContextPopularity ByTab { get; } = new(halfLifeListens);

    public void Record(ListenRecorded listen, int partition)
    {
        Activity.Record(listen, partition);
        Trends.Record(listen.SongId);
        ByTab.Record(listen.SourceSystemTab, listen.SongId);
    }

    /// <summary>Each member's last recentSongs songs, copied (safe to hand to another thread for ItemNeighbours.Build).</summary>
    public List<IReadOnlyList<string>> Histories() => Activity.Members.Select(Activity.Recent).ToList();

    /// <summary>The stream terms' inputs, with the given co-listen neighbours (null: no co-listen term).</summary>
    public StreamSignals Signals(ItemNeighbours? neighbours) => new(ByTab.Plays, neighbours);
}
