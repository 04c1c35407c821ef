using KkboxNcf.Hosting;
using KkboxNcf.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// ./kkbox ingest --data DIR [--rate N] [--max-lag N] [--lag-group G] [--from-row N] [--test]
var switches = new Dictionary<string, string>
{
    ["data"] = "Ingest:DataDirectory",
    ["rate"] = "Ingest:Rate",
    ["max-lag"] = "Ingest:MaxLag",
    ["lag-group"] = "Ingest:LagGroup",
    ["from-row"] = "Ingest:FromRow",
    ["test"] = "Ingest:IncludeTest",
    ["rejects"] = "Ingest:RejectsPath",
};
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
try
{
    builder.Configuration.AddSwitches(args, switches, flags: new HashSet<string> { "test" });
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ingest: {e.Message}");
    return 2;
}
builder.AddKkboxDefaults();
builder.Services.AddSettings<IngestSettings>(builder.Configuration);
builder.Services.AddSingleton<ListenReplay>();
builder.Services.AddHostedService<IngestWorker>();
return await builder.Build().RunServiceAsync("ingest");
