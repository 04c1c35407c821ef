using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Members;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Scorer.Serving;

/// <summary>
/// The shadow baselines of the served lists, judged before the listen is recorded (so a listen never
/// counts for itself): the popular list the Scorer would write for the member in that serving context
/// (the usual list's tab is the member's most frequent tab so far, the discover list's the discover
/// tab), and the most played songs overall; heard songs left out when the served lists leave them out.
/// </summary>
public sealed class PopularShadow(PopularLists lists, MemberActivity activity, ListeningContext fallback, ListeningContext? discover, bool excludeHeard) : IShadowLists
{
    public ShadowHits Hits(ListenRecorded listen, string servingContext, int k)
    {
        string tab = servingContext == ServingContexts.Discover && discover is { } d ? d.Tab : activity.UsualContext(listen.Msno, fallback).Tab;
        var heard = excludeHeard ? activity.HeardSet(listen.Msno) : null;
        return new ShadowHits(lists.InTop(tab, listen.SongId, heard, k), lists.InMostPlayed(listen.SongId, heard, k));
    }
}
