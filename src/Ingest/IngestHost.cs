using KkboxNcf.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KkboxNcf.Ingest;

/// <summary>The Ingest service's host, as Program runs it and as the configuration tests build it.</summary>
public static class IngestHost
{
    /// <summary>./kkbox ingest --data DIR [--rate N] [--max-lag N] [--lag-group G] [--from-row N] [--test] [--rejects FILE]</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["data"] = "Ingest:DataDirectory",
        ["rate"] = "Ingest:Rate",
        ["max-lag"] = "Ingest:MaxLag",
        ["lag-group"] = "Ingest:LagGroup",
        ["from-row"] = "Ingest:FromRow",
        ["test"] = "Ingest:IncludeTest",
        ["rejects"] = "Ingest:RejectsPath",
    };

    /// <summary>Builds the host from the command line (and the environment); a bad option throws ArgumentException.</summary>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddSwitches(args, Switches, flags: new HashSet<string> { "test" });
        builder.AddKkboxDefaults();
        builder.Services.AddSettings<IngestSettings>(builder.Configuration);
        builder.Services.AddSingleton<ListenReplay>();
        builder.Services.AddHostedService<IngestWorker>();
        return builder.Build();
    }
}
