using KkboxNcf.Model.Lists;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Data;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Tests.Scorer;

public class ScoringTests
{
    [Fact]
    public void TwoStageWithEveryCandidateEqualsBruteForceFullNcf()
    {
        using var model = TinyModel.Scoring();
        int songs = model.Songs - 1;
        var scorer = new ListScorer(new ScoringOptions(K: 10, Candidates: songs, Discover: TinyModel.Discover));
        var members = new[] { "u1", "u77", "u200" }.Select(m => new MemberToScore(m, TinyModel.Usual, [], 0)).ToList();

        var lists = scorer.Score(model, members, [], nowMs: 123);

        Assert.Equal(6, lists.Count);
        foreach (var list in lists)
        {
            var ctx = list.Context == ServingContexts.Usual ? TinyModel.Usual : TinyModel.Discover;
            Assert.Equal((ctx.Tab, ctx.Screen, ctx.Type), (list.Tab, list.Screen, list.Type));
            Assert.Equal(1, list.ModelVersion);
            Assert.Equal(123, list.ComputedAtMs);
            var expected = BruteForce(model.Bundle, list.Msno, ctx, 10);
            Assert.Equal(expected.Select(e => e.SongId), list.Items.Select(i => i.SongId));
            for (int i = 0; i < 10; i++) Assert.Equal(expected[i].Score, list.Items[i].Score, 5);
        }
        // the two contexts score differently (the context enters the MLP)
        Assert.NotEqual(lists[0].Items.Select(i => i.Score), lists[1].Items.Select(i => i.Score));
    }

    [Fact]
    public void CandidateStageIsTheExactTopByDotProduct()
    {
        using var model = TinyModel.Scoring();
        var factors = ((IDotProductModel)model.Bundle.Model).ExtractFactors();
        int[] users = [1, 5, 150];
        var top = CandidateStage.TopByDotProduct(model, users, null, 20);
        for (int i = 0; i < users.Length; i++)
        {
            var expected = Enumerable.Range(1, model.Songs - 1).OrderByDescending(s => factors.Score(users[i], s)).Take(20).Order();
            Assert.Equal(expected, top[i].Order());
        }
        // with exclusions: the next best instead, and never more songs than remain
        var excluded = new HashSet<int>(top[0]);
        var next = CandidateStage.TopByDotProduct(model, [1], [excluded], 20)[0];
        Assert.Equal(Enumerable.Range(1, model.Songs - 1).Where(s => !excluded.Contains(s)).OrderByDescending(s => factors.Score(1, s)).Take(20).Order(), next.Order());
        var all = Enumerable.Range(1, model.Songs - 1).ToHashSet();
        all.Remove(7);
        Assert.Equal([7], CandidateStage.TopByDotProduct(model, [1], [all], 20)[0]);
    }

    [Fact]
    public void HeardSongsAreLeftOutWhenAsked()
    {
        using var model = TinyModel.Scoring();
        var scorer = new ListScorer(new ScoringOptions(K: 10, Candidates: 30));
        var first = scorer.Score(model, [new MemberToScore("u3", TinyModel.Usual, [], 0)], [], 0)[0];
        var heard = first.Items.Take(5).Select(i => i.SongId).ToArray();

        var excluding = new ListScorer(new ScoringOptions(K: 10, Candidates: 30, ExcludeHeard: true));
        using var fresh = TinyModel.Scoring();
        var second = excluding.Score(fresh, [new MemberToScore("u3", TinyModel.Usual, heard, 0)], [heard[0]], 0)[0];

        Assert.Equal(10, second.Items.Count);
        Assert.DoesNotContain(second.Items, i => heard.Contains(i.SongId));
        // without the exclusion the same model keeps them
        Assert.Contains(first.Items, i => i.SongId == heard[0]);
    }

    [Fact]
    public void CoListenedSongsJoinTheCandidatesAndTheirScoreAddsToTheListenScore()
    {
        // s1 and s2 heard together by two members, s1 and s3 by one; listeners s1 3, s2 2, s3 1:
        // cos(s1, s2) = 2 / sqrt(6) = 0.82, cos(s1, s3) = 1 / sqrt(3) = 0.58
        var neighbours = ItemNeighbours.Build([["s1", "s2"], ["s1", "s2", "s3"], ["s1"]]);
        var member = new MemberToScore("u3", TinyModel.Usual, ["s1"], 0) { Recent = ["s1"] };
        ScoringOptions Options(double weight, int candidates) => new(K: 10, Candidates: 10, ExcludeHeard: true, CoListenWeight: weight, CoListenCandidates: candidates);
        RecommendationList Lists(ScoringOptions options, ItemNeighbours? n)
        {
            using var model = new ScoringModel(1, TinyModel.Bundle(listenDim: 8));
            return new ListScorer(options).Score(model, [member], [], 0, signals: new StreamSignals(Neighbours: n))[0];
        }

        var heavy = Lists(Options(1000, 5), neighbours);
        Assert.Equal(["s2", "s3"], heavy.Items.Take(2).Select(i => i.SongId));
        Assert.Equal(1000 * (2 / Math.Sqrt(6) - 1 / Math.Sqrt(3)), heavy.Items[0].Score - heavy.Items[1].Score, 0.5);
        Assert.DoesNotContain(heavy.Items, i => i.SongId == "s1");
        // off (weight 0, no candidates), or no neighbours given: the listen head's list
        var plain = Lists(Options(0, 0), null).Items.Select(i => i.SongId).ToArray();
        Assert.Equal(plain, Lists(Options(0, 0), neighbours).Items.Select(i => i.SongId));
        Assert.Equal(plain, Lists(Options(1000, 5), null).Items.Select(i => i.SongId));
    }

    [Fact]
    public void ExtraSongsJoinTheCandidates()
    {
        using var model = TinyModel.Scoring();
        var scorer = new ListScorer(new ScoringOptions(K: 50, Candidates: 50));
        var member = new MemberToScore("u9", TinyModel.Usual, [], 0);
        var fromDot = CandidateStage.TopByDotProduct(model, [model.UserRow("u9")], null, 50)[0].ToHashSet();
        string outsider = Enumerable.Range(1, model.Songs - 1).First(s => !fromDot.Contains(s)) is int row ? model.SongId(row) : "";

        var list = new ListScorer(new ScoringOptions(K: 51, Candidates: 50)).Score(model, [member], [outsider], 0)[0];

        Assert.Equal(51, list.Items.Count);
        Assert.Contains(list.Items, i => i.SongId == outsider);
        Assert.Equal(50, scorer.Score(model, [member], [], 0)[0].Items.Count);
    }

    [Fact]
    public void CandidateRecallIsOneWithEverySongAndAShareOtherwise()
    {
        using var model = TinyModel.Scoring();
        var members = Enumerable.Range(1, 8).Select(i => new MemberToScore($"u{i * 20}", TinyModel.Usual, [], 0)).ToList();

        var all = CandidateRecall.Measure(model, new ListScorer(new ScoringOptions(K: 10, Candidates: model.Songs - 1)), members, []);
        using var other = TinyModel.Scoring();
        var few = CandidateRecall.Measure(other, new ListScorer(new ScoringOptions(K: 10, Candidates: 10)), members, []);

        Assert.Equal(8, all.Members);
        Assert.Equal(1.0, all.MeanRecall, 9);
        Assert.InRange(few.MeanRecall, 0.0, 1.0);
        Assert.True(few.MinRecall <= few.MeanRecall);
    }

    [Fact]
    public void AMemberTheModelHasNotMetGetsAListFromTheUnknownRow()
    {
        using var model = TinyModel.Scoring();
        var list = new ListScorer(new ScoringOptions(K: 5, Candidates: 20)).Score(model, [new MemberToScore("newcomer", TinyModel.Usual, [], 7)], [], 0)[0];
        Assert.Equal("newcomer", list.Msno);
        Assert.Equal(5, list.Items.Count);
        Assert.Equal(7, list.FreshAsOfMs);
    }

    [Fact]
    public void PriorSongsAreTheFullModelsTopForAnUnknownMemberInEachContext()
    {
        // 25 prior songs keep a pool of 20 x 25 = every one of the 500 songs: the prior is exact here
        using var model = TinyModel.Scoring();
        var withPrior = new ListScorer(new ScoringOptions(K: 25, Candidates: 25, Discover: TinyModel.Discover, PriorCandidates: 25));
        var lists = withPrior.Score(model, [new MemberToScore("newcomer", TinyModel.Usual, [], 0)], [], 0);

        Assert.Equal(2, lists.Count);
        foreach (var list in lists)
        {
            var ctx = list.Context == ServingContexts.Usual ? TinyModel.Usual : TinyModel.Discover;
            Assert.Equal(BruteForce(model.Bundle, "newcomer", ctx, 25).Select(e => e.SongId), list.Items.Select(i => i.SongId));
        }
        Assert.Equal(2, model.PriorContexts);
        Assert.NotEqual(lists[0].Items.Select(i => i.SongId), lists[1].Items.Select(i => i.SongId));

        // without the prior the same member's list is only as good as the dot-product candidates
        using var plain = TinyModel.Scoring();
        var without = new ListScorer(new ScoringOptions(K: 25, Candidates: 25)).Score(plain, [new MemberToScore("newcomer", TinyModel.Usual, [], 0)], [], 0)[0];
        Assert.Equal(0, plain.PriorContexts);
        var exact = BruteForce(plain.Bundle, "newcomer", TinyModel.Usual, 25).Select(e => e.SongId).ToHashSet();
        Assert.True(without.Items.Count(i => exact.Contains(i.SongId)) <= lists[0].Items.Count(i => exact.Contains(i.SongId)));
    }

    [Fact]
    public void PriorSongsTheMemberHeardAreLeftOutWhenAsked()
    {
        using var model = TinyModel.Scoring();
        var prior = new ListScorer(new ScoringOptions(K: 25, Candidates: 25, PriorCandidates: 25))
            .Score(model, [new MemberToScore("newcomer", TinyModel.Usual, [], 0)], [], 0)[0].Items.Select(i => i.SongId).ToList();
        var heard = prior.Take(5).ToArray();
        using var again = TinyModel.Scoring();
        var list = new ListScorer(new ScoringOptions(K: 25, Candidates: 25, ExcludeHeard: true, PriorCandidates: 25))
            .Score(again, [new MemberToScore("newcomer", TinyModel.Usual, heard, 0)], [], 0)[0];
        Assert.Empty(list.Items.Select(i => i.SongId).Intersect(heard));
        Assert.Equal(25, list.Items.Count);
    }

    [Fact]
    public void RescoringReusesTheModelsScoresAndScoresOnlyWhatIsNew()
    {
        using var model = TinyModel.Scoring();
        var scorer = new ListScorer(new ScoringOptions(K: 10, Candidates: 30));
        var member = new MemberToScore("u4", TinyModel.Usual, [], 0);
        var first = scorer.Score(model, [member], [], 0)[0];
        long afterFirst = scorer.PairsScored;

        var again = scorer.Score(model, [member with { FreshAsOfMs = 9 }], [], 5)[0];
        Assert.Equal(afterFirst, scorer.PairsScored);
        Assert.Equal(first.Items, again.Items);
        Assert.Equal(9, again.FreshAsOfMs);
        Assert.Equal(5, again.ComputedAtMs);
        Assert.Equal(1, scorer.ListsReused);   // same context, same extras: the last ranking as it was

        // new extra songs (a new list of them) are ranked in: the reused ranking no longer holds
        var outsider = model.SongId(Enumerable.Range(1, model.Songs - 1).First(r => !first.Items.Any(i => i.SongId == model.SongId(r))
            && !CandidateStage.TopByDotProduct(model, [model.UserRow("u4")], null, 30)[0].Contains(r)));
        var withExtra = scorer.Score(model, [member], [outsider], 0)[0];
        Assert.Equal(1, scorer.ListsReused);
        Assert.Equal(afterFirst + 1, scorer.PairsScored);
        Assert.Equal(BruteForce(model.Bundle, "u4", TinyModel.Usual, 500).Where(s => s.SongId == outsider || first.Items.Any(i => i.SongId == s.SongId)
            || CandidateStage.TopByDotProduct(model, [model.UserRow("u4")], null, 30)[0].Contains(model.Bundle.Features[Field.Song].Lookup(s.SongId))).Take(10).Select(s => s.SongId),
            withExtra.Items.Select(i => i.SongId));
        afterFirst = scorer.PairsScored;

        var moved = scorer.Score(model, [member with { Usual = TinyModel.Discover }], [], 0)[0];
        Assert.Equal(afterFirst + 30, scorer.PairsScored);   // a new context: every candidate once more
        Assert.Equal((TinyModel.Discover.Tab, TinyModel.Discover.Type), (moved.Tab, moved.Type));
        Assert.Equal(BruteForce(model.Bundle, "u4", TinyModel.Discover, 500).Where(s => model.Bundle.Features[Field.Song].Lookup(s.SongId) is var r
            && CandidateStage.TopByDotProduct(model, [model.UserRow("u4")], null, 30)[0].Contains(r)).Take(10).Select(s => s.SongId), moved.Items.Select(i => i.SongId));
    }

    [Fact]
    public void FactoredNcfEqualsItsForward()
    {
        using var model = TinyModel.Scoring();
        var ncf = (NcfModel)model.Bundle.Model;
        var requests = new[]
        {
            new RankRequest(3, [1, 2, 50, 499], TinyModel.Usual),
            new RankRequest(0, [2, 7], TinyModel.Discover),
            new RankRequest(150, Enumerable.Range(1, 300).ToArray(), TinyModel.Usual),
        };
        var factored = RankingStage.Probabilities(model, requests);
        for (int r = 0; r < requests.Length; r++)
        {
            var ctx = requests[r].Context;
            var plain = ncf.Predict(model.Features.EncodeCandidates(requests[r].UserRow, requests[r].Songs, ctx.Tab, ctx.Screen, ctx.Type));
            Assert.Equal(plain.Length, factored[r].Length);
            for (int j = 0; j < plain.Length; j++) Assert.Equal(plain[j], factored[r][j], 5);
        }
    }

    static List<RecommendedSong> BruteForce(ModelBundle bundle, string msno, ListeningContext ctx, int k)
    {
        var vocab = bundle.Features[Field.Song];
        var listens = Enumerable.Range(1, vocab.Count - 1)
            .Select(row => new Listen(row, msno, vocab.KeyOf(row), ctx.Tab, ctx.Screen, ctx.Type, -1)).ToList();
        var p = bundle.Model.Predict(bundle.Features.Encode(listens, grow: false));
        return listens.Select((l, i) => new RecommendedSong(l.SongId, p[i]))
            .OrderByDescending(s => s.Score).ThenBy(s => vocab.Lookup(s.SongId)).Take(k).ToList();
    }
}
