using System.Net;
using KkboxNcf.LocalBroker;

namespace KkboxNcf.Tests.Kafka;

public class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1", 9092, "127.0.0.1")]
    [InlineData("localhost:19092", "127.0.0.1", 19092, "127.0.0.1")]
    [InlineData("0.0.0.0:9092", "0.0.0.0", 9092, "127.0.0.1")]
    [InlineData("[::1]:9092", "::1", 9092, "::1")]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1")]
    public void ParsesHostPort(string text, string address, int port, string advertised)
    {
        Assert.True(ListenAddress.TryParse(text, out var parsed));
        Assert.Equal(IPAddress.Parse(address), parsed!.Address);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(advertised, parsed.DefaultAdvertisedHost);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9092")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("kafka.example.com:9092")]
    public void RejectsWhatItCannotBind(string text) => Assert.False(ListenAddress.TryParse(text, out _));

    [Fact]
    public void ValidatorNamesEachBadSetting()
    {
        var result = new LocalBrokerOptionsValidator().Validate(null, new LocalBrokerOptions
        {
            Listen = "nowhere",
            Brokers = 0,
            ExtraTopics = new() { ["extra"] = 0 },
        });
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("'nowhere'"));
        Assert.Contains(result.Failures!, f => f.Contains("Brokers"));
        Assert.Contains(result.Failures!, f => f.Contains("ExtraTopics:extra"));
        Assert.True(new LocalBrokerOptionsValidator().Validate(null, new LocalBrokerOptions()).Succeeded);
    }
}
