using KkboxNcf.Hosting;
using KkboxNcf.Scorer.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace KkboxNcf.Scorer;

/// <summary>The Scorer service's host (scoring loop and read API), as Program runs it and as the configuration tests build it.</summary>
public static class ScorerHost
{
    /// <summary>Command-line options and the settings they set; any Section:Key is also accepted as --Section:Key V.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["bootstrap"] = "Kafka:BootstrapServers",
        ["redis"] = "Redis:Configuration",
        ["k"] = "Scorer:K",
        ["candidates"] = "Scorer:Candidates",
        ["http"] = "Scorer:HttpUrl",
        ["exclude-heard"] = "Scorer:ExcludeHeard",
        ["group"] = "Scorer:GroupId",
        ["metrics-file"] = "Scorer:MetricsFile",
        ["key-prefix"] = "Scorer:KeyPrefix",
        ["health-file"] = "Health:File",
    };

    /// <summary>Builds the host from the command line (and the environment); a bad option throws ArgumentException.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddSwitches(args, Switches, flags: new HashSet<string> { "exclude-heard" });
        builder.AddKkboxDefaults();
        builder.Services.AddScorer(builder.Configuration);
        var http = ReadLeniently(builder.Configuration);
        builder.Services.AddRecommendationsApi(http);
        builder.WebHost.UseUrls(http.HttpUrl);
        var app = builder.Build();
        app.MapRecommendations();
        return app;
    }

    /// <summary>The Scorer settings as far as they bind, for what must be set up while the host is built; validation at start reports the rest.</summary>
    static ScorerSettings ReadLeniently(IConfiguration configuration)
    {
        try { return configuration.GetSection(ScorerSettings.Section).Get<ScorerSettings>() ?? new ScorerSettings(); }
        catch (InvalidOperationException) { return new ScorerSettings(); }
    }
}
