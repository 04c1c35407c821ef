using KkboxNcf.Contracts;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Trainer.Online;

/// <summary>
/// A micro-batch after OnlineTrainer.Score: the prequential score and user row of each of its Listens
/// (for Record; when ScoredInTraining, Train writes the scores), the user rows recycled before and
/// after them (their per-member metrics start over), and what is ready to train on (Ready, encoded as
/// Train, with each one's recent songs for the listen head as History: row-major [Ready x length]).
/// </summary>
public sealed record ScoredBatch(
    int Events,
    int Labeled,
    float[] Scores,
    bool ScoredInTraining,
    int[] Users,
    IReadOnlyList<ListenRecorded> Listens,
    IReadOnlyList<ListenRecorded> Ready,
    EncodedDataset Train,
    long[] History,
    int RecycledSongs,
    int[] MembersRecycledBefore,
    int[] MembersRecycledAfter,
    double PrepareSeconds,
    double ScoreSeconds)
{
    public int RecycledUsers => MembersRecycledBefore.Length + MembersRecycledAfter.Length;
}
