using KkboxNcf.Contracts;

namespace KkboxNcf.Trainer.Online;

/// <summary>
/// A scored listen waiting for its label to be "known" (label delay); Position is the stream position
/// it arrived at, History the member's recent song rows at that moment (the listen head's input).
/// </summary>
public sealed record PendingListen(long Position, ListenRecorded Listen, long[] History);
