using KkboxNcf.Hosting;
using KkboxNcf.Ingest;
using Microsoft.Extensions.Hosting;

// ./kkbox ingest --data DIR [--rate N] [--max-lag N] [--lag-group G] [--from-row N] [--test] (IngestHost.Switches)
IHost host;
try
{
    host = IngestHost.Build(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ingest: {e.Message}");
    return 2;
}
return await host.RunServiceAsync("ingest");
