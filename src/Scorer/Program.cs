using KkboxNcf.Hosting;
using KkboxNcf.Scorer;

// ./kkbox scorer [--bootstrap HOST:PORT] [--k N] [--candidates C] [--http URL] ... (ScorerHost.Switches)
return await ServiceRunner.BuildAndRunAsync("scorer", () => ScorerHost.Build(args));
