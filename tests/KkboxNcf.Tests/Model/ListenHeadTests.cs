using KkboxNcf.Data;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Runtime;
using KkboxNcf.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Tests.Model;

public class ListenHeadTests
{
    [Fact]
    public void SongFrequencyEstimatesStepsBetweenSightings()
    {
        var f = new SongFrequency(alpha: 0.1);
        for (int t = 1; t <= 400; t++)
        {
            var songs = t % 4 == 0 ? new long[] { 1, 2, 2 } : new long[] { 1 };
            var logGap = f.Step(songs);
            if (t % 4 == 0) Assert.Equal(logGap[1], logGap[2]);
        }
        Assert.InRange(f.Gap(1), 0.99f, 1.01f);   // in every batch
        Assert.InRange(f.Gap(2), 3.8f, 4.2f);     // in every fourth, counted once per batch although twice in it
        Assert.Equal(401f, f.Step([3])[0] is var first ? MathF.Exp(first) : 0, 0.1f); // first sighting: the steps so far
        f.Forget(3);
        Assert.Equal(0f, f.Gap(3));

        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) f.Save(w);
        ms.Position = 0;
        var restored = new SongFrequency(alpha: 0.1);
        restored.Load(new BinaryReader(ms));
        Assert.Equal(f.Steps, restored.Steps);
        Assert.Equal(f.Gap(2), restored.Gap(2));
    }

    [Fact]
    public void InBatchLossMasksTheSameSongAndTheSameMember()
    {
        using var scope = torch.NewDisposeScope();
        // rows 0 and 1 share a song, rows 0 and 2 a member: for row 0 only row 3's song is a negative
        var members = torch.tensor(new float[] { 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0 }, [4, 3]);
        var songs = torch.tensor(new float[] { 2, 0, 0, 5, 0, 0, 9, 0, 0, 0, 3, 0 }, [4, 3]);
        var bias = torch.zeros(4);
        var v = new ListenVectors(members, songs, bias);
        var loss = ListenLoss.Compute(v, torch.tensor(new long[] { 7, 8, 7, 9 }), torch.tensor(new long[] { 1, 1, 2, 3 }), [0, 0, 0, 0]);
        // hand computed: logits row i . song j; row 0: own 2, masked 5 (same song) and 9 (same member), negative 0
        double row0 = -(2 - Math.Log(Math.Exp(2) + Math.Exp(0)));
        // row 1: own 5; row 0's song is its own song (masked); row 2 (9) and row 3 (0) are negatives
        double row1 = -(5 - Math.Log(Math.Exp(5) + Math.Exp(9) + Math.Exp(0)));
        // row 2: own 9, row 0 same member (masked), row 1 (5) and row 3 (0)
        double row2 = -(9 - Math.Log(Math.Exp(9) + Math.Exp(5) + Math.Exp(0)));
        // row 3: member (0,1,0): own 3, the others 0
        double row3 = -(3 - Math.Log(Math.Exp(3) + 3));
        Assert.Equal((row0 + row1 + row2 + row3) / 4, loss.item<float>(), 4);
    }

    [Fact]
    public void ListenHeadLearnsWhichSongsAMemberPlays()
    {
        // two taste groups: members m0..m39 play songs s0..s59, members m40..m79 play s60..s119
        var rng = new Random(5);
        var listens = new List<Listen>();
        for (int i = 0; i < 12_000; i++)
        {
            int member = rng.Next(80);
            int song = (member < 40 ? 0 : 60) + rng.Next(60);
            listens.Add(new Listen(i, $"m{member}", $"s{song}", "my library", "", "", rng.Next(2)));
        }
        var space = new FeatureSpace();
        var data = space.Encode(listens, grow: true);
        using var model = new NcfModel(ModelShape.For(ModelKind.Ncf, space, listenDim: 8), seed: 1);
        using (var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 128, LearningRate = 0.01 }))
        {
            Assert.True(fitter.LearnsListens);
            for (int pass = 0; pass < 3; pass++) fitter.TrainMicroBatch(data);
        }

        using var scope = torch.NewDisposeScope();
        var songRows = Enumerable.Range(0, 120).Select(s => space[Field.Song].Lookup($"s{s}")).ToArray();
        var (songVectors, songBias) = model.ListenSongs(ToRows(space.EncodeCandidates(0, songRows)));
        int right = 0, pairs = 0;
        for (int m = 0; m < 80; m++)
        {
            var member = model.ListenMembers(ToRows(space.EncodeCandidates(space[Field.User].Lookup($"m{m}"), [0], "my library")));
            var scores = member.matmul(songVectors.t()).squeeze(0).Plus(songBias).data<float>().ToArray();
            var own = m < 40 ? scores[..60] : scores[60..];
            var other = m < 40 ? scores[60..] : scores[..60];
            for (int a = 0; a < 60; a += 3)
                for (int b = 0; b < 60; b += 3, pairs++)
                    if (own[a] > other[b]) right++;
        }
        Assert.True(right > 0.9 * pairs, $"a member's own group ranked above the other group in {right} of {pairs} pairs");
    }

    static Tensor ToRows(EncodedDataset data) => data.ToTensors().Features.to(int64);

    [Fact]
    public void AModelWithoutAListenHeadStillLoadsAndTrainsReplayOnly()
    {
        var planted = ModelTestData.Planted(600);
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        Assert.Equal(0, ((IListenModel)model).ListenDim);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 128 });
        Assert.False(fitter.LearnsListens);
        Assert.True(double.IsFinite(fitter.TrainMicroBatch(planted.Data)));
        Assert.Throws<InvalidOperationException>(() => ((IListenModel)model).ForwardWithListen(ModelTestData.Batch(planted.Data, 0, 4).X));
    }
}
