using KkboxNcf.Contracts;

namespace KkboxNcf.Trainer.Online;

/// <summary>A record from one of the metadata topics, handed from the metadata reader to the training thread.</summary>
public abstract record MetadataUpdate
{
    public sealed record OfMember(MemberUpdated Member) : MetadataUpdate;
    public sealed record OfSong(SongUpdated Song) : MetadataUpdate;
    public sealed record OfSongExtra(SongExtraUpdated Extra) : MetadataUpdate;
}
