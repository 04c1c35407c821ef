using KkboxNcf.Hosting;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

// ./kkbox scorer [--bootstrap HOST:PORT] [--k N] [--candidates C] [--http URL] [--exclude-heard] [--group G] [--metrics-file F] [--key-prefix P]
var switches = new Dictionary<string, string>
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
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
try
{
    builder.Configuration.AddSwitches(args, switches, flags: new HashSet<string> { "exclude-heard" });
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"scorer: {e.Message}");
    return 2;
}
builder.AddKkboxDefaults();
builder.Services.AddScorer(builder.Configuration);
string url = builder.Configuration["Scorer:HttpUrl"] ?? new ScorerSettings().HttpUrl;
builder.WebHost.UseUrls(url);
var app = builder.Build();
app.MapRecommendations();
return await app.RunServiceAsync("scorer");
