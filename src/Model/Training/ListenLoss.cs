using KkboxNcf.Model.Models;
using KkboxNcf.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Training;

/// <summary>
/// The listen head's loss: a sampled softmax over the batch. Each listen (member i, song i) is a
/// positive; the other songs of the batch are its negatives, each logit corrected by the log of how
/// often that song is sampled (SongFrequency). A pair that is no negative is masked out: another
/// row's song equal to i's own song, and another song the same member played in this batch (KKBOX
/// sessions put several listens of one member in one batch; each is a listen, not a rejection).
/// </summary>
public static class ListenLoss
{
    // held for the process: a temporary Scalar can be collected by another thread while libtorch reads it (HeldScalars)
    static readonly Scalar Masked = (-1e9).ToScalar();

    public static Tensor Compute(ListenVectors v, Tensor users, Tensor songs, float[] logGap)
    {
        long n = songs.shape[0];
        var logits = v.Members.matmul(v.Songs.t()).Plus(v.SongBias.unsqueeze(0));
        logits = logits.Plus(torch.tensor(logGap).unsqueeze(0));
        using var eye = torch.eye(n, dtype: ScalarType.Bool);
        var notNegative = songs.unsqueeze(1).eq(songs.unsqueeze(0)).logical_or(users.unsqueeze(1).eq(users.unsqueeze(0))).logical_and(eye.logical_not());
        logits = logits.masked_fill(notNegative, Masked);
        using var stop = n.ToScalar();
        using var target = torch.arange(HeldScalars.Zero, stop, HeldScalars.One, dtype: ScalarType.Int64);
        return nn.functional.cross_entropy(logits, target);
    }
}
