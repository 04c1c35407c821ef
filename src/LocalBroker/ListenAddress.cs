using System.Net;

namespace KkboxNcf.LocalBroker;

/// <summary>A "HOST:PORT" listen address: an IPv4/IPv6 literal ("[::1]:9092") or "localhost". Port 0 = any free port.</summary>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    public static bool TryParse(string? text, out ListenAddress? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 0 or > 65535) return false;
        var host = text[..colon].Trim('[', ']');
        IPAddress? address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) ? ip : null;
        if (address is null) return false;
        result = new ListenAddress(address, port);
        return true;
    }

    /// <summary>The host clients should be told to connect to: the listen address, or loopback for a wildcard.</summary>
    public string DefaultAdvertisedHost =>
        Address.Equals(IPAddress.Any) ? "127.0.0.1"
        : Address.Equals(IPAddress.IPv6Any) ? "::1"
        : Address.ToString();

    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
