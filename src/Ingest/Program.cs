using KkboxNcf.Hosting;
using KkboxNcf.Ingest;

// ./kkbox ingest --data DIR [--rate N] [--max-lag N] [--lag-group G] [--from-row N] [--test] (IngestHost.Switches)
return await ServiceRunner.BuildAndRunAsync("ingest", () => IngestHost.Build(args));
