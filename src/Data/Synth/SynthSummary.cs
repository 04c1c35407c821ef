using System.Text.Json.Serialization;

namespace KkboxNcf.Data.Synth;

/// <summary>
/// What a generator run wrote and what its data allow: written to synth.json beside the files.
/// BestAuc* score the labels with the true probabilities (no model can do better on average);
/// CollaborativeOnlyAuc* with only the baseline, biases and latent dot product (roughly the ceiling
/// of matrix factorisation with biases); the gap between them is what metadata, context and
/// non-linear interactions are worth.
/// </summary>
public sealed record SynthSummary
{
    [JsonPropertyName("size")] public required string Size { get; init; }
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }
    [JsonPropertyName("train_rows")] public long TrainRows { get; init; }
    [JsonPropertyName("test_rows")] public long TestRows { get; init; }
    [JsonPropertyName("members_rows")] public long MembersRows { get; init; }
    [JsonPropertyName("songs_rows")] public long SongsRows { get; init; }
    [JsonPropertyName("song_extra_rows")] public long SongExtraRows { get; init; }
    [JsonPropertyName("train_users")] public long TrainUsers { get; init; }
    [JsonPropertyName("train_songs")] public long TrainSongs { get; init; }
    [JsonPropertyName("listened_songs")] public long ListenedSongs { get; init; }
    [JsonPropertyName("test_users_not_in_train")] public long TestUsersNotInTrain { get; init; }
    [JsonPropertyName("test_songs_not_in_train")] public long TestSongsNotInTrain { get; init; }
    [JsonPropertyName("positive_rate")] public double PositiveRate { get; init; }
    [JsonPropertyName("positive_rate_first_5pct")] public double PositiveRateEarly { get; init; }
    [JsonPropertyName("positive_rate_last_5pct")] public double PositiveRateLate { get; init; }
    [JsonPropertyName("best_auc_train")] public double BestAucTrain { get; init; }
    [JsonPropertyName("best_auc_test")] public double BestAucTest { get; init; }
    [JsonPropertyName("collaborative_only_auc_train")] public double CollaborativeOnlyAucTrain { get; init; }
    [JsonPropertyName("collaborative_only_auc_test")] public double CollaborativeOnlyAucTest { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
}
