using Microsoft.Extensions.Options;

namespace KkboxNcf.LocalBroker;

/// <summary>Rejects options the broker cannot run with, naming the setting and the bad value.</summary>
public sealed class LocalBrokerOptionsValidator : IValidateOptions<LocalBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalBrokerOptions o)
    {
        var errors = new List<string>();
        if (!ListenAddress.TryParse(o.Listen, out var listen))
            errors.Add($"LocalBroker:Listen (--listen) must be HOST:PORT with an IP address or localhost, got '{o.Listen}'");
        if (o.Brokers is < 1 or > 16)
            errors.Add($"LocalBroker:Brokers (--brokers) must be 1..16, got {o.Brokers}");
        if (listen is { Port: > 0 } && listen.Port + o.Brokers - 1 > 65535)
            errors.Add($"LocalBroker:Listen port {listen.Port} leaves no room for {o.Brokers} brokers");
        if (o.InitialRebalanceDelayMs < 0)
            errors.Add($"LocalBroker:InitialRebalanceDelayMs must be >= 0, got {o.InitialRebalanceDelayMs}");
        if (o.ConsumerGroupHeartbeatIntervalMs < 1 || o.ConsumerGroupSessionTimeoutMs <= o.ConsumerGroupHeartbeatIntervalMs)
            errors.Add("LocalBroker:ConsumerGroupHeartbeatIntervalMs must be >= 1 and below LocalBroker:ConsumerGroupSessionTimeoutMs, " +
                       $"got {o.ConsumerGroupHeartbeatIntervalMs} and {o.ConsumerGroupSessionTimeoutMs}");
        if (o.RetentionCheckIntervalMs < 0)
            errors.Add($"LocalBroker:RetentionCheckIntervalMs must be >= 0 (0 = off), got {o.RetentionCheckIntervalMs}");
        if (o.AdvertisedHost is { } advertised && (advertised.Length == 0 || advertised.Any(c => char.IsWhiteSpace(c) || c is ',' or '/')))
            errors.Add($"LocalBroker:AdvertisedHost (--advertised-host) must be a host name or address, got '{advertised}'");
        if (o.ReadyFile is { Length: 0 })
            errors.Add("LocalBroker:ReadyFile (--ready-file) must be a path when set");
        if (o.NativeLibrary is { } native && !File.Exists(native))
            errors.Add($"LocalBroker:NativeLibrary '{native}' does not exist");
        foreach (var (topic, partitions) in o.ExtraTopics)
            if (string.IsNullOrWhiteSpace(topic) || partitions < 1)
                errors.Add($"LocalBroker:ExtraTopics:{topic} must name a topic and a partition count >= 1, got {partitions}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
