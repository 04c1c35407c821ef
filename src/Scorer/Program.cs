using KkboxNcf.Hosting;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

// ./kkbox scorer [--k N] [--candidates C] [--http URL] [--exclude-heard] [--group G] [--metrics-file F]
var switches = new Dictionary<string, string>
{
    ["k"] = "Scorer:K",
    ["candidates"] = "Scorer:Candidates",
    ["http"] = "Scorer:HttpUrl",
    ["exclude-heard"] = "Scorer:ExcludeHeard",
    ["group"] = "Scorer:GroupId",
    ["metrics-file"] = "Scorer:MetricsFile",
    ["key-prefix"] = "Scorer:KeyPrefix",
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
