namespace KkboxNcf.Model.Models;

/// <summary>A model whose (part of the) score is a dot product of a user vector and a song vector plus biases.</summary>
public interface IDotProductModel
{
    DotProductFactors ExtractFactors();
}

/// <summary>
/// Row-major user vectors [users × Dim] and song vectors [songs × Dim], with biases:
/// score(u, s) = Users[u] . Songs[s] + UserBias[u] + SongBias[s] + GlobalBias (a logit).
/// </summary>
public sealed record DotProductFactors(int Dim, float[] Users, float[] Songs, float[] UserBias, float[] SongBias, float GlobalBias)
{
    public int UserCount => UserBias.Length;

    public int SongCount => SongBias.Length;

    public ReadOnlySpan<float> User(int row) => Users.AsSpan(row * Dim, Dim);

    public ReadOnlySpan<float> Song(int row) => Songs.AsSpan(row * Dim, Dim);

    public float Score(int user, int song)
    {
        var u = User(user);
        var s = Song(song);
        float dot = 0;
        for (int k = 0; k < Dim; k++) dot += u[k] * s[k];
        return dot + UserBias[user] + SongBias[song] + GlobalBias;
    }
}
