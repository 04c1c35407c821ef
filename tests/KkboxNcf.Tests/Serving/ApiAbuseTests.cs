using System.Net;
using System.Text.Json;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Redis;
using KkboxNcf.Scorer.Serving;
using KkboxNcf.Tests.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Serving;

/// <summary>
/// The read API (the Scorer's own pipeline and limits, on Kestrel on loopback, over a private
/// redis-server) under bad and hostile requests: each gets a clear status and a JSON error, and a
/// flood of concurrent requests gets answers (200, or 503 with Retry-After beyond the limit), never
/// a dropped connection. Memory under a flood is measured by `./kkbox bench api-flood`.
/// </summary>
public sealed class ApiAbuseTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly PrivateRedis _redis = new(tls: false);
    readonly RedisKeys _keys = new("api-test");
    ConnectionMultiplexer _mux = null!;
    WebApplication _app = null!;
    HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _mux = RedisConnection.Connect(new RedisSettings { Configuration = $"127.0.0.1:{_redis.Port}" });
        var writer = new ListWriter(_mux.GetDatabase(), _keys, TimeSpan.FromMinutes(5));
        writer.Write([List("member-1", ServingContexts.Usual)]);
        writer.WritePopular(List("", ServingContexts.Popular));
        writer.SetCurrentModel(3);

        int port = TestInfra.FreeTcpPort();
        // a small limit, so a flood of a few thousand requests goes past it
        var settings = new ScorerSettings { HttpMaxConcurrentRequests = 4, HttpQueueLimit = 16, HttpUrl = $"http://127.0.0.1:{port}" };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new RecommendationReader(_mux, _keys));
        builder.Services.AddRecommendationsApi(settings);
        builder.WebHost.UseUrls(settings.HttpUrl);
        _app = builder.Build();
        _app.MapRecommendations();
        await _app.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000 }) { BaseAddress = new Uri(settings.HttpUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _mux.DisposeAsync();
        _redis.Dispose();
    }

    static RecommendationList List(string msno, string context) =>
        new(msno, 3, context, "t", "s", "y", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0,
            Enumerable.Range(0, 20).Select(i => new RecommendedSong($"song{i}", 1f - i / 100f)).ToArray());

    async Task<(HttpStatusCode Status, JsonElement? Body, HttpResponseMessage Response)> Get(string path)
    {
        var response = await _http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement? body = text.Length > 0 ? JsonDocument.Parse(text).RootElement : null;
        return (response.StatusCode, body, response);
    }

    [Fact]
    public async Task AKnownMemberGetsTheListCutToK()
    {
        var (status, body, _) = await Get("/members/member-1/recommendations?k=5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, body!.Value.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AnUnknownMemberGets404WithThePopularFallback()
    {
        var (status, body, _) = await Get("/members/nobody-at-all/recommendations?k=3");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("nobody-at-all", body!.Value.GetProperty("error").GetString());
        Assert.Equal(3, body.Value.GetProperty("fallback").GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e3")]
    [InlineData("%20")]
    [InlineData("")]
    public async Task ABadKIs400SayingWhatKMustBe(string k)
    {
        var (status, body, _) = await Get($"/members/member-1/recommendations?k={k}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("k must be a whole number 1..1000", body!.Value.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AHugeContextIsRefusedAndQuotedBackShort()
    {
        var (status, body, _) = await Get($"/members/member-1/recommendations?context={new string('x', 5000)}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.InRange(body!.Value.GetProperty("error").GetString()!.Length, 10, 200);
    }

    [Theory]
    [InlineData("/members/a%0Ab/recommendations", HttpStatusCode.BadRequest)]       // a line break (header injection into a log)
    [InlineData("/members/%20/recommendations", HttpStatusCode.BadRequest)]         // blank
    [InlineData("/members//recommendations", HttpStatusCode.NotFound)]              // empty
    [InlineData("/members/a/b/recommendations", HttpStatusCode.NotFound)]           // a slash in the id
    [InlineData("/members/..%2F..%2Fetc%2Fpasswd/recommendations", HttpStatusCode.NotFound)] // an encoded path: a key that does not exist
    [InlineData("/members/not*base64!/recommendations", HttpStatusCode.NotFound)]   // not base64: just unknown
    [InlineData("/members/kkbox:popular/recommendations", HttpStatusCode.NotFound)] // looks like another key: keys are built, not concatenated blindly
    [InlineData("/recommendations", HttpStatusCode.NotFound)]
    public async Task MalformedIdsAndPathsGetAClearJsonAnswer(string path, HttpStatusCode expected)
    {
        var (status, body, _) = await Get(path);
        Assert.Equal(expected, status);
        Assert.False(string.IsNullOrWhiteSpace(body!.Value.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task ANulInThePathIsRefusedByKestrelItself()
    {
        // Kestrel answers 400 before routing (no JSON body: the request never reaches the API)
        var response = await _http.GetAsync("/members/%00evil/recommendations");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnIdLongerThanTheLimitIs400AndAHugeUrlIs414()
    {
        var (status, body, _) = await Get($"/members/{new string('A', RecommendationsApi.MaxMsnoLength + 1)}/recommendations");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 256", body!.Value.GetProperty("error").GetString());

        var huge = await _http.GetAsync($"/members/{new string('A', 100_000)}/recommendations");
        Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);
    }

    [Fact]
    public async Task AFloodOfConcurrentRequestsIsAnsweredOr503WithRetryAfter()
    {
        const int requests = 3000;
        string[] paths = ["/members/member-1/recommendations?k=10", "/members/nobody/recommendations", "/members/member-1/recommendations?k=abc"];
        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            using var response = await _http.GetAsync(paths[i % paths.Length]);
            string text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter is not null, Json: text.StartsWith('{'));
        }));

        var byStatus = responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{requests} concurrent requests: " + string.Join(", ", byStatus.OrderBy(kv => kv.Key).Select(kv => $"{(int)kv.Key}: {kv.Value}")));
        Assert.Equal(requests, byStatus.Values.Sum());
        Assert.All(responses, r => Assert.True(r.Json, $"a {(int)r.StatusCode} without a JSON body"));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.ServiceUnavailable }));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable), r => Assert.True(r.RetryAfter));

        // after the flood the API answers normally again
        Assert.Equal(HttpStatusCode.OK, (await Get("/members/member-1/recommendations")).Status);
    }
}
