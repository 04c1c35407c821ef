namespace KkboxNcf.Model.Checkpoints;

/// <summary>One named part of a checkpoint file; Write streams its bytes (the container adds name and length).</summary>
public sealed record CheckpointSection(string Name, Action<Stream> Write);
