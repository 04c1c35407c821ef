namespace KkboxNcf.Contracts;

/// <summary>The first byte of every message. Values are part of the wire format: never reuse one.</summary>
public enum MessageType : byte
{
    ListenRecorded = 1,
    MemberUpdated = 2,
    SongUpdated = 3,
    SongExtraUpdated = 4,
    CheckpointPublished = 5,
}
