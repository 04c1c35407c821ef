namespace KkboxNcf.Tests.Configuration;

/// <summary>
/// The same validation seen from outside: each service started as a process with a bad value in its
/// environment (as a container would set it) exits with code 2 and one line naming the setting,
/// without a stack trace, before it connects to anything.
/// </summary>
public class SettingsProcessTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "Ingest", "Ingest__Rate", "abc", "Ingest:Rate" },
        { "Trainer", "Trainer__BatchSize", "abc", "Trainer:BatchSize" },
        { "Trainer", "Kafka__SecurityProtocol", "HTTPS", "Kafka:SecurityProtocol" },
        { "Scorer", "Scorer__K", "0", "Scorer:K" },
        { "Scorer", "Redis__Configuration", "127.0.0.1:1,ssl=maybe", "Redis:Configuration" },
        { "LocalBroker", "LocalBroker__Brokers", "abc", "LocalBroker:Brokers" },
        { "LocalBroker", "LocalBroker__Debug", "no-such-context", "LocalBroker:Debug" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ABadValueInTheEnvironmentStopsTheServiceNamingIt(string service, string variable, string value, string names)
    {
        var args = new List<string> { TestInfra.Dll(service) };
        if (service == "Ingest") args.AddRange(["--data", Path.GetTempPath()]);
        if (service == "LocalBroker") args.AddRange(["--listen", $"127.0.0.1:{TestInfra.FreeTcpPort()}"]);
        var (exitCode, output) = TestInfra.Run("dotnet", args, new Dictionary<string, string> { [variable] = value }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains(names, output);
        Assert.DoesNotContain("   at ", output); // one line, not a stack trace
    }
}
