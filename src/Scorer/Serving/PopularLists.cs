using System.Diagnostics;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Members;

namespace KkboxNcf.Scorer.Serving;

/// <summary>
/// Popularity lists from the listens read: the list the Scorer serves where the model cannot (no
/// checkpoint yet, a member the model does not know), and the baselines its served lists are judged
/// against. A tab's list is the songs most played recently in that source tab, then the songs most
/// played recently over every tab (the fallback for a tab with few songs or never seen), heard songs
/// skipped, no song twice. Most played: the songs with most listens since the Scorer started.
/// The tops are snapshots recomputed by Update (each scans every song of every tab), at most every
/// refreshMs, and sooner while the stream is young (whenever the listens read have doubled), so the
/// first lists are not those of the first few listens. Depth songs are kept per tab: a member who
/// heard more than Depth - k of them gets the rest from the overall list. Single-threaded.
/// </summary>
public sealed class PopularLists(ContextPopularity byTab, SongTrends trends, int depth, int refreshMs = PopularLists.DefaultRefreshMs)
{
    public const int DefaultRefreshMs = 1000;

    static readonly IReadOnlySet<string> NoSongs = new HashSet<string>();
    Dictionary<string, IReadOnlyList<(string SongId, double Plays)>> _tabs = new(StringComparer.Ordinal);
    IReadOnlyList<(string SongId, double Plays)> _overall = [];
    IReadOnlyList<string> _mostPlayed = [];
    long _computedAt = -1;
    readonly Stopwatch _clock = new();

    public int Depth => depth;

    /// <summary>Listens read when the snapshots were last computed (-1: never).</summary>
    public long ComputedAtListens => _computedAt;

    /// <summary>Recomputes the snapshots when they are due; true when it did.</summary>
    public bool Update()
    {
        long n = byTab.Listens;
        if (n == _computedAt || (_computedAt >= 0 && _clock.ElapsedMilliseconds < refreshMs && n < 2 * _computedAt)) return false;
        var tabs = new Dictionary<string, IReadOnlyList<(string, double)>>(StringComparer.Ordinal);
        foreach (string tab in byTab.Tabs) tabs[tab] = byTab.Top(tab, depth);
        _tabs = tabs;
        _overall = byTab.TopOverall(depth);
        _mostPlayed = trends.Popular(depth);
        _computedAt = n;
        _clock.Restart();
        return true;
    }

    /// <summary>The popular list of a tab: up to k songs, best first, score = recent plays (in the tab, or overall for the fallback songs).</summary>
    public RecommendedSong[] For(string tab, IReadOnlySet<string>? heard, int k)
    {
        var songs = new List<RecommendedSong>(k);
        foreach (var (id, plays) in Walk(tab, heard ?? NoSongs, k)) songs.Add(new RecommendedSong(id, (float)plays));
        return songs.ToArray();
    }

    /// <summary>Whether the song is in the tab's popular list of k (what a popular list would have served).</summary>
    public bool InTop(string tab, string songId, IReadOnlySet<string>? heard, int k)
    {
        foreach (var (id, _) in Walk(tab, heard ?? NoSongs, k))
            if (id == songId) return true;
        return false;
    }

    /// <summary>Whether the song is among the k most played songs the member has not heard.</summary>
    public bool InMostPlayed(string songId, IReadOnlySet<string>? heard, int k)
    {
        heard ??= NoSongs;
        int taken = 0;
        foreach (string id in _mostPlayed)
        {
            if (taken == k) break;
            if (heard.Contains(id)) continue;
            if (id == songId) return true;
            taken++;
        }
        return false;
    }

    IEnumerable<(string SongId, double Plays)> Walk(string tab, IReadOnlySet<string> heard, int k)
    {
        var taken = new List<string>(k);
        foreach (var (id, plays) in _tabs.GetValueOrDefault(tab) ?? [])
        {
            if (taken.Count == k) yield break;
            if (heard.Contains(id)) continue;
            taken.Add(id);
            yield return (id, plays);
        }
        // a tab's songs are distinct; the fallback may repeat them
        foreach (var (id, plays) in _overall)
        {
            if (taken.Count == k) yield break;
            if (heard.Contains(id) || taken.Contains(id)) continue;
            taken.Add(id);
            yield return (id, plays);
        }
    }
}
