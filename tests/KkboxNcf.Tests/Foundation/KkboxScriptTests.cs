using System.Net;
using System.Net.Sockets;

namespace KkboxNcf.Tests.Foundation;

/// <summary>
/// The ./kkbox entry point. The infra tests start a second broker and Redis on free ports with their
/// own state folder, so they never disturb the infrastructure the rest of the suite is using.
/// </summary>
public class KkboxScriptTests
{
    static string Kkbox => Path.Combine(TestInfra.RepoRoot, "kkbox");

    static Dictionary<string, string> IsolatedEnv(string state, int brokerPort, int redisPort) => new()
    {
        ["KKBOX_STATE"] = state,
        ["KKBOX_BROKER_LISTEN"] = $"127.0.0.1:{brokerPort}",
        ["KKBOX_REDIS_PORT"] = redisPort.ToString(),
        ["KKBOX_SKIP_BUILD"] = "1",
        // The suite's own settings point at the shared infrastructure; these runs must use their own.
        ["Kafka__BootstrapServers"] = "",
        ["Redis__Configuration"] = "",
    };

    [Theory]
    [InlineData()]
    [InlineData("no-such-command")]
    [InlineData("infra", "sideways")]
    public void NoOrUnknownCommandPrintsUsageAndExits2(params string[] args)
    {
        var (code, output) = TestInfra.Run(Kkbox, args);
        Assert.Equal(2, code);
        Assert.Contains("usage: ./kkbox", output);
    }

    [Fact]
    public void InfraUpAndDownTwiceEach()
    {
        string state = Directory.CreateTempSubdirectory("kkbox-infra-").FullName;
        var env = IsolatedEnv(state, TestInfra.FreeTcpPort(), TestInfra.FreeTcpPort());
        try
        {
            var up1 = TestInfra.Run(Kkbox, ["infra", "up"], env);
            Assert.True(up1.ExitCode == 0, up1.Output);
            Assert.Contains("broker: ready", up1.Output);
            Assert.Contains("redis: ready", up1.Output);

            var up2 = TestInfra.Run(Kkbox, ["infra", "up"], env);
            Assert.True(up2.ExitCode == 0, up2.Output);
            Assert.Contains("already up", up2.Output);

            var status = TestInfra.Run(Kkbox, ["infra", "status"], env);
            Assert.Equal(0, status.ExitCode);
            Assert.Contains($"local broker on {env["KKBOX_BROKER_LISTEN"]}", status.Output);

            var down1 = TestInfra.Run(Kkbox, ["infra", "down"], env);
            Assert.True(down1.ExitCode == 0, down1.Output);
            Assert.Contains("broker: stopped", down1.Output);
            Assert.Contains("redis: stopped", down1.Output);

            var down2 = TestInfra.Run(Kkbox, ["infra", "down"], env);
            Assert.Equal(0, down2.ExitCode);

            var after = TestInfra.Run(Kkbox, ["infra", "status"], env);
            Assert.NotEqual(0, after.ExitCode);
            Assert.Contains("kafka:  down", after.Output);
            Assert.Contains("redis:  down", after.Output);
        }
        finally
        {
            TestInfra.Run(Kkbox, ["infra", "down"], env);
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public void TakenRedisPortIsNamedInTheError()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        int port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        string state = Directory.CreateTempSubdirectory("kkbox-infra-").FullName;
        var env = IsolatedEnv(state, TestInfra.FreeTcpPort(), port);
        try
        {
            var up = TestInfra.Run(Kkbox, ["infra", "up"], env);
            Assert.NotEqual(0, up.ExitCode);
            Assert.Contains($"127.0.0.1:{port} is taken", up.Output);
        }
        finally
        {
            TestInfra.Run(Kkbox, ["infra", "down"], env);
            Directory.Delete(state, recursive: true);
        }
    }
}
