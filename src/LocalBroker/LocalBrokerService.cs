using System.Net;
using System.Net.Sockets;
using KkboxNcf.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KkboxNcf.LocalBroker;

/// <summary>
/// Runs the mock cluster behind fixed-address forwarders: create the cluster, bind the forwarders,
/// advertise them as the brokers' addresses, create the project's topics, check the port answers,
/// then announce readiness. Stopping undoes it in reverse, ready file first.
/// </summary>
public sealed class LocalBrokerService(IOptions<LocalBrokerOptions> options, BrokerReadiness readiness, ILogger<LocalBrokerService> logger)
    : IHostedService
{
    readonly LocalBrokerOptions o = options.Value;
    readonly ReadyFile readyFile = new(options.Value.ReadyFile);
    readonly List<TcpForwarder> forwarders = [];
    MockCluster? cluster;

    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await StartCoreAsync(ct);
        }
        catch
        {
            await ReleaseAsync(); // whatever was created before the failure
            throw;
        }
    }

    async Task StartCoreAsync(CancellationToken ct)
    {
        readyFile.RemoveStale();
        ListenAddress.TryParse(o.Listen, out var listen); // validated at start-up
        // Bind first: a taken port is the most likely failure and needs nothing else undone.
        for (int id = 1; id <= o.Brokers; id++)
        {
            int port = listen!.Port == 0 ? 0 : listen.Port + id - 1;
            forwarders.Add(new TcpForwarder(new IPEndPoint(listen.Address, port), logger));
        }

        cluster = MockCluster.Create(o.Brokers, o.Debug, o.NativeLibrary, logger);
        logger.LogInformation("mock cluster of {Brokers} broker(s) on {Library}", o.Brokers, cluster.Library);
        cluster.SetGroupInitialRebalanceDelay(o.InitialRebalanceDelayMs);
        cluster.SetConsumerGroupTimeouts(o.ConsumerGroupSessionTimeoutMs, o.ConsumerGroupHeartbeatIntervalMs);

        var advertisedHost = o.AdvertisedHost ?? listen!.DefaultAdvertisedHost;
        for (int id = 1; id <= o.Brokers; id++)
        {
            var forwarder = forwarders[id - 1];
            forwarder.Start(new IPEndPoint(IPAddress.Loopback, cluster.NativePort(id)));
            cluster.AdvertiseBroker(id, advertisedHost, forwarder.LocalEndPoint.Port);
        }

        var topics = Topics.All.Select(t => (t.Name, t.Partitions))
            .Concat(o.ExtraTopics.Select(t => (Name: t.Key, Partitions: t.Value))).ToList();
        // One request at a time can cost a second each (the mock thread does not always wake up for
        // its op queue); submitted together from dedicated threads they are served in one wake-up.
        await Task.WhenAll(topics.Select(t => Task.Factory.StartNew(() => cluster.CreateTopic(t.Name, t.Partitions),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        logger.LogInformation("created {Count} topics: {Topics}", topics.Count, string.Join(", ", topics.Select(t => $"{t.Name}[{t.Partitions}]")));

        foreach (var f in forwarders) await CheckAcceptsAsync(f.LocalEndPoint, ct);

        var bootstrap = string.Join(",", forwarders.Select(f => $"{FormatHost(advertisedHost)}:{f.LocalEndPoint.Port}"));
        readiness.Ready(bootstrap);
        readyFile.Write(bootstrap);
        logger.LogInformation("ready on {Bootstrap} ({Brokers} mock broker(s) at {Native}; other topics are auto-created with 4 partitions)",
            bootstrap, o.Brokers, cluster.NativeBootstraps);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        foreach (var f in forwarders)
            logger.LogInformation("forwarder {Address}: {Connections} connections, {In:N0} bytes to and {Out:N0} bytes from the broker",
                f.LocalEndPoint, f.Connections, f.BytesToBroker, f.BytesFromBroker);
        await ReleaseAsync();
        logger.LogInformation("stopped");
    }

    /// <summary>Ready file first (launchers must not connect to a broker going away), then listeners, then the cluster.</summary>
    async Task ReleaseAsync()
    {
        readyFile.Remove();
        foreach (var f in forwarders) await f.DisposeAsync();
        forwarders.Clear();
        cluster?.Dispose();
        cluster = null;
    }

    /// <summary>Readiness means a client can connect, so connect once through the forwarder ourselves.</summary>
    static async Task CheckAcceptsAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var address = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : endpoint.Address;
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await probe.ConnectAsync(new IPEndPoint(address, endpoint.Port), timeout.Token);
    }

    static string FormatHost(string host) => host.Contains(':') ? $"[{host}]" : host;
}
