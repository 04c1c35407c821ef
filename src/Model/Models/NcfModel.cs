using KkboxNcf.Model.Runtime;
using KkboxNcf.Model.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// Neural collaborative filtering with metadata (Listing 1): a GMF branch (elementwise product of
/// user and song embeddings), an MLP branch over user, song and every metadata embedding, both
/// concatenated into the final layer, plus user and song biases.
/// With ListenDim > 0 it also has a listen head (IListenModel): what a member will play, as a dot
/// product of a member vector and a song vector, learnt from every listen by a sampled softmax.
/// </summary>
public sealed class NcfModel : RecModel, IDotProductModel, IListenModel
{
    // users and songs share one fused table; a row is [nn_embed | mf_embed (n_dim) | mf_bias | listen (L) | listen_bias]
    readonly SegmentedEmbedding entity;
    readonly MetadataEmbeddings meta;
    readonly Linear l1, l2, l3, l4;
    // the listen head's metadata projections (null without a listen head): member side = member fields
    // and the listening context, song side = song fields and genres
    readonly Linear? listen_member, listen_song, listen_history;
    readonly int _nnWidth;
    readonly ColumnsHolder _metaColumns;

    public NcfModel(ModelShape shape, int seed = 0) : base("ncf", shape, seed)
    {
        int nDim = shape.NDim;
        _nnWidth = Math.Max(shape.WidthOf(Field.User), shape.WidthOf(Field.Song));
        entity = EntityTable(shape, _nnWidth + nDim + 1 + (shape.ListenDim > 0 ? shape.ListenDim + 1 : 0), shape.ListenDim > 0 ? shape.HistoryLength : 0);
        meta = new MetadataEmbeddings(shape, Init);
        int concat = shape.WidthOf(Field.User) + shape.WidthOf(Field.Song) + meta.Width;
        l1 = SeededLinear(concat, concat * 2);
        l2 = SeededLinear(concat * 2, concat);
        l3 = SeededLinear(concat, nDim);
        l4 = SeededLinear(2 * nDim, 1);
        _metaColumns = new ColumnsHolder(MetaColumns(shape, songSide: false), MetaColumns(shape, songSide: true));
        if (shape.ListenDim > 0)
        {
            listen_member = SeededLinear(_metaColumns.Member.Length, shape.ListenDim, bias: false);
            listen_song = SeededLinear(_metaColumns.Song.Length, shape.ListenDim, bias: false);
            if (shape.HistoryLength > 0)
            {
                // starts as the identity: the member vector begins as the mean of the recent songs' vectors, so
                // songs close to what the member just played score high from the first step (item-to-item)
                listen_history = SeededLinear(shape.ListenDim, shape.ListenDim, bias: false);
                using (torch.no_grad()) listen_history.weight!.copy_(torch.eye(shape.ListenDim));
            }
        }
        RegisterComponents();
    }

    // not module fields, so RegisterComponents leaves them alone
    sealed record ColumnsHolder(long[] Member, long[] Song);

    /// <summary>The columns of MetadataEmbeddings' output on one side: songs (song fields, genres) or members (member fields, context).</summary>
    static long[] MetaColumns(ModelShape shape, bool songSide)
    {
        var columns = new List<long>();
        int at = 0;
        foreach (var f in FeatureLayout.MetadataFields)
        {
            bool isSong = FeatureLayout.SongFields.Contains(f);
            for (int i = 0; i < shape.WidthOf(f); i++, at++)
                if (isSong == songSide) columns.Add(at);
        }
        for (int i = 0; i < shape.GenreWidth; i++, at++)
            if (songSide) columns.Add(at);
        return columns.ToArray();
    }

    public int ListenDim => Shape.ListenDim;

    int ListenOffset => _nnWidth + Shape.NDim + 1;

    /// <summary>Songs of a member's recent listens the member vector sees (0: none).</summary>
    public int HistoryLength => ListenDim > 0 ? Shape.HistoryLength : 0;

    /// <summary>
    /// The replay logits [B] and the listen head's vectors of the same batch, sharing its lookups:
    /// member vectors [B, L] (listen embedding + projection of member metadata and context + projection
    /// of the mean listen embedding of the member's recent songs), song vectors [B, L] (listen embedding
    /// + projection of song metadata and genres) and song biases [B]. history: int64 [B, HistoryLength]
    /// song rows of each member's listens before this one, most recent first, 0 where there are fewer
    /// (null: none known).
    /// </summary>
    public (Tensor Replay, ListenVectors Listen) ForwardWithListen(Tensor batch, Tensor? history = null)
    {
        RequireListenHead();
        var e = entity.forward(Ids(batch, history));
        var m = meta.forward(batch);
        var replay = Replay(e, m);
        return (replay, Listen(e, m, history));
    }

    /// <summary>The entity table's index columns: user, song and, when given, the recent songs.</summary>
    Tensor Ids(Tensor batch, Tensor? history)
    {
        var ids = batch.narrow(1, 0, 2);
        if (history is null || HistoryLength == 0) return ids;
        if (history.shape[1] != HistoryLength) throw new ArgumentException($"history has {history.shape[1]} songs per row, the model {HistoryLength}");
        return torch.cat([ids, history], 1);
    }

    ListenVectors Listen(Tensor e, Tensor m, Tensor? history)
    {
        int l = ListenDim, at = ListenOffset;
        using var memberCols = torch.tensor(_metaColumns.Member);
        using var songCols = torch.tensor(_metaColumns.Song);
        var members = e.select(1, 0).narrow(1, at, l).Plus(listen_member!.forward(m.index_select(1, memberCols)));
        if (history is not null && HistoryLength > 0)
        {
            // the mean listen embedding of the recent songs (row 0 pads a short history and is left out)
            var recent = e.narrow(1, 2, HistoryLength).narrow(2, at, l);
            var mask = history.ne(HeldScalars.Zero).to(ScalarType.Float32).unsqueeze(2); // the unknown row is 0
            var mean = (recent * mask).sum(1) / mask.sum(1).clamp_min(HeldScalars.One);
            members = members.Plus(listen_history!.forward(mean));
        }
        var songs = e.select(1, 1).narrow(1, at, l).Plus(listen_song!.forward(m.index_select(1, songCols)));
        return new ListenVectors(members, songs, e.select(1, 1).select(1, at + l));
    }

    /// <summary>Member vectors [U, L] of encoded rows whose user, member and context columns are the members in their contexts, with their recent songs (no gradients).</summary>
    public Tensor ListenMembers(Tensor memberRows, Tensor? history = null)
    {
        using var _ = torch.no_grad();
        var e = entity.forward(Ids(memberRows, history));
        return Listen(e, meta.forward(memberRows), history).Members;
    }

    /// <summary>Song vectors [S, L] and biases [S] of encoded rows whose song columns are the songs (no gradients).</summary>
    public (Tensor Songs, Tensor Bias) ListenSongs(Tensor songRows)
    {
        using var _ = torch.no_grad();
        var e = entity.forward(songRows.narrow(1, 0, 2));
        var v = Listen(e, meta.forward(songRows), null);
        return (v.Songs, v.SongBias);
    }

    void RequireListenHead()
    {
        if (ListenDim <= 0) throw new InvalidOperationException("this NCF model has no listen head (listen_dim 0)");
    }

    public override IEnumerable<SegmentedEmbedding> Stores => [entity, meta.Store];

    public override Tensor forward(Tensor batch) => Replay(entity.forward(batch.narrow(1, 0, 2)), meta.forward(batch));

    /// <summary>The replay logits from the entity rows [B, 2, width] and the metadata embeddings [B, meta.Width] of a batch.</summary>
    Tensor Replay(Tensor e, Tensor metadata)
    {
        int nDim = Shape.NDim;
        var user = e.select(1, 0);
        var item = e.select(1, 1);
        var user_nn_embed = user.narrow(1, 0, Shape.WidthOf(Field.User));
        var item_nn_embed = item.narrow(1, 0, Shape.WidthOf(Field.Song));
        var user_mf_embed = user.narrow(1, _nnWidth, nDim);
        var item_mf_embed = item.narrow(1, _nnWidth, nDim);
        var user_bias = user.select(1, _nnWidth + nDim);
        var item_bias = item.select(1, _nnWidth + nDim);

        var concat_embed = torch.cat([user_nn_embed, item_nn_embed, metadata], 1);
        var h1 = Layer(l1, concat_embed);
        var h2 = Layer(l2, h1);
        var h3 = Layer(l3, h2);

        var mf_embed = user_mf_embed * item_mf_embed;

        var logit = l4.forward(torch.cat([mf_embed, h3], 1)).squeeze(1);
        return logit.Plus(user_bias).Plus(item_bias);
    }

    /// <summary>
    /// Probabilities of many (user, song) pairs, factored for ranking (the Scorer's full-model stage;
    /// the same values as Predict up to float rounding). The first MLP layer is linear in its
    /// concatenated input, so its song part (song embedding, song metadata, genres) is computed once
    /// per distinct song and its member part (user embedding, member metadata, listening context)
    /// once per distinct member and context, then added per pair; only the layers after it run per
    /// pair. songRows: encoded examples [S, Columns] whose song columns are the distinct songs (the
    /// other columns are ignored); memberRows: [U, Columns] whose user, member and context columns
    /// are the distinct members in their contexts; pairSong, pairMember: int64 [P] indices into them.
    /// </summary>
    public Tensor PredictPairs(Tensor songRows, Tensor memberRows, Tensor pairSong, Tensor pairMember)
    {
        bool wasTraining = training;
        eval();
        using var _ = torch.no_grad();
        int nDim = Shape.NDim;
        int wU = Shape.WidthOf(Field.User), wS = Shape.WidthOf(Field.Song);
        var (songCols, memberCols) = FirstLayerColumns();

        var song = entity.forward(songRows.narrow(1, 0, 2)).select(1, 1);
        var member = entity.forward(memberRows.narrow(1, 0, 2)).select(1, 0);
        var songInput = torch.cat([song.narrow(1, 0, wS), meta.forward(songRows)], 1);
        var memberInput = torch.cat([member.narrow(1, 0, wU), meta.forward(memberRows)], 1);
        var w1 = l1.weight!;
        // songInput's columns are [item_nn | metadata]; l1's are [user_nn | item_nn | metadata]
        var songPart = songInput.index_select(1, songCols.Song).matmul(w1.index_select(1, songCols.Layer).t());
        var memberPart = memberInput.index_select(1, memberCols.Member).matmul(w1.index_select(1, memberCols.Layer).t()).Plus(l1.bias!);

        var h1 = torch.nn.functional.relu(songPart.index_select(0, pairSong).Plus(memberPart.index_select(0, pairMember)));
        var h2 = Layer(l2, h1);
        var h3 = Layer(l3, h2);
        var mf = member.narrow(1, _nnWidth, nDim).index_select(0, pairMember) * song.narrow(1, _nnWidth, nDim).index_select(0, pairSong);
        var logit = l4.forward(torch.cat([mf, h3], 1)).squeeze(1)
            .Plus(member.select(1, _nnWidth + nDim).index_select(0, pairMember)).Plus(song.select(1, _nnWidth + nDim).index_select(0, pairSong));
        var p = torch.sigmoid(logit);
        if (wasTraining) train();
        return p;
    }

    /// <summary>
    /// Which columns of l1's input belong to the song side and which to the member side, as indices
    /// into songInput ([item_nn | metadata]) / memberInput ([user_nn | metadata]) and into l1's input.
    /// </summary>
    ((Tensor Song, Tensor Layer) Song, (Tensor Member, Tensor Layer) Member) FirstLayerColumns()
    {
        int wU = Shape.WidthOf(Field.User), wS = Shape.WidthOf(Field.Song);
        var songLocal = new List<long>();
        var songLayer = new List<long>();
        var memberLocal = new List<long>();
        var memberLayer = new List<long>();
        for (int i = 0; i < wU; i++) { memberLocal.Add(i); memberLayer.Add(i); }
        for (int i = 0; i < wS; i++) { songLocal.Add(i); songLayer.Add(wU + i); }
        int at = 0;
        foreach (var f in FeatureLayout.MetadataFields)
        {
            bool songSide = FeatureLayout.SongFields.Contains(f);
            for (int i = 0; i < Shape.WidthOf(f); i++, at++)
            {
                if (songSide) { songLocal.Add(wS + at); songLayer.Add(wU + wS + at); }
                else { memberLocal.Add(wU + at); memberLayer.Add(wU + wS + at); }
            }
        }
        for (int i = 0; i < Shape.GenreWidth; i++, at++) { songLocal.Add(wS + at); songLayer.Add(wU + wS + at); }
        return ((torch.tensor(songLocal.ToArray()), torch.tensor(songLayer.ToArray())),
                (torch.tensor(memberLocal.ToArray()), torch.tensor(memberLayer.ToArray())));
    }

    /// <summary>
    /// The GMF half as a dot product: gmf(u, s) = user[u] . song[s] + user_bias[u] + song_bias[s] + b,
    /// where song[s] = item_mf[s] * w_gmf (the final layer's weights on the GMF half) and b is the
    /// final layer's bias. The full NCF score adds w_mlp . h3(u, s); ranking a user's candidates by
    /// the GMF part is one matrix product over all songs.
    /// </summary>
    public DotProductFactors ExtractFactors()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        int nDim = Shape.NDim;
        var users = entity.SegmentWeights(Field.User).detach();
        var songs = entity.SegmentWeights(Field.Song).detach();
        var wGmf = l4.weight!.detach().narrow(1, 0, nDim).reshape(1, nDim);
        return new DotProductFactors(nDim,
            users.narrow(1, _nnWidth, nDim).contiguous().data<float>().ToArray(),
            (songs.narrow(1, _nnWidth, nDim) * wGmf).contiguous().data<float>().ToArray(),
            users.select(1, _nnWidth + nDim).contiguous().data<float>().ToArray(),
            songs.select(1, _nnWidth + nDim).contiguous().data<float>().ToArray(),
            l4.bias!.detach().item<float>());
    }
}
