using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.LocalBroker;

/// <summary>
/// Relays every connection accepted on a fixed address to one mock broker's random port. It carries
/// every Kafka byte, so each direction is a plain socket-to-socket pump with a large pooled buffer
/// and Nagle disabled (Kafka requests are small and latency-bound; fetches are large).
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    const int BufferSize = 256 * 1024;

    readonly Socket listener;
    IPEndPoint target = null!;
    readonly ILogger logger;
    readonly CancellationTokenSource stopping = new();
    readonly ConcurrentDictionary<long, Socket> open = new();
    Task acceptLoop = Task.CompletedTask;
    long nextId;
    long bytesIn, bytesOut, connections;

    public IPEndPoint LocalEndPoint { get; }
    public long BytesToBroker => Interlocked.Read(ref bytesIn);
    public long BytesFromBroker => Interlocked.Read(ref bytesOut);
    public long Connections => Interlocked.Read(ref connections);

    /// <exception cref="BrokerStartupException">The address cannot be bound (port taken, address not local, ...).</exception>
    public TcpForwarder(IPEndPoint listen, ILogger logger)
    {
        this.logger = logger;
        listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(listen);
            listener.Listen(512);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the port is already in use (another broker running?)" : e.Message;
            throw new BrokerStartupException(ExitCodes.ListenFailed, $"cannot listen on {listen}: {why}", e);
        }
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    /// <summary>Starts relaying to <paramref name="broker"/>. Connections made before this wait in the backlog.</summary>
    public void Start(IPEndPoint broker)
    {
        target = broker;
        acceptLoop = AcceptLoopAsync(stopping.Token);
    }

    async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(ct); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                logger.LogWarning("accept on {Address} failed: {Error}", LocalEndPoint, e.SocketErrorCode);
                continue;
            }
            Interlocked.Increment(ref connections);
            _ = RelayAsync(client, ct);
        }
    }

    async Task RelayAsync(Socket client, CancellationToken ct)
    {
        long id = Interlocked.Increment(ref nextId);
        var upstream = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        open[id * 2] = client;
        open[id * 2 + 1] = upstream;
        try
        {
            client.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(target, ct);
            await Task.WhenAll(PumpAsync(client, upstream, toBroker: true, ct), PumpAsync(upstream, client, toBroker: false, ct));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A client or the broker went away; Kafka clients reconnect by themselves.
            logger.LogDebug("connection {Id} on {Address} ended: {Error}", id, LocalEndPoint, e.Message);
        }
        finally
        {
            open.TryRemove(id * 2, out _);
            open.TryRemove(id * 2 + 1, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    async Task PumpAsync(Socket from, Socket to, bool toBroker, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct);
                if (n == 0) break;
                int sent = 0;
                while (sent < n) sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, ct);
                Interlocked.Add(ref toBroker ? ref bytesIn : ref bytesOut, n);
            }
            // Half-close: pass the end of stream on and let the other direction drain.
            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Reset by one side: tear down both directions so the peer notices too.
            from.Dispose();
            to.Dispose();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Dispose();
        foreach (var socket in open.Values) socket.Dispose();
        await acceptLoop;
        stopping.Dispose();
    }
}
