using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// A model with a listen (retrieval) head: the logit that a member in a listening context plays a
/// song is Members[i] . Songs[j] + SongBias[j]. It ranks the whole catalogue by what this member is
/// likely to play, where the replay head (forward) says whether a played song will be replayed.
/// </summary>
public interface IListenModel
{
    /// <summary>Width of the member and song vectors (0: no listen head).</summary>
    int ListenDim { get; }

    /// <summary>Songs of a member's recent listens the member vector sees (0: none).</summary>
    int HistoryLength { get; }

    /// <summary>
    /// The replay logits [B] and the listen vectors of the same batch, from one set of lookups; history:
    /// int64 [B, HistoryLength] song rows of each member's previous listens, most recent first, 0-padded.
    /// </summary>
    (Tensor Replay, ListenVectors Listen) ForwardWithListen(Tensor batch, Tensor? history = null);

    /// <summary>Member vectors [U, L] of encoded rows (user, member and context columns) with their recent songs, without gradients.</summary>
    Tensor ListenMembers(Tensor memberRows, Tensor? history = null);

    /// <summary>Song vectors [S, L] and song biases [S] of encoded rows (song columns), without gradients.</summary>
    (Tensor Songs, Tensor Bias) ListenSongs(Tensor songRows);
}

/// <summary>The listen head's vectors of a batch: member [B, L], song [B, L], song bias [B].</summary>
public sealed record ListenVectors(Tensor Members, Tensor Songs, Tensor SongBias);
