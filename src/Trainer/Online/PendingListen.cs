using KkboxNcf.Contracts;

namespace KkboxNcf.Trainer.Online;

/// <summary>A scored listen waiting for its label to be "known" (label delay); Position is the stream position it arrived at.</summary>
public sealed record PendingListen(long Position, ListenRecorded Listen);
