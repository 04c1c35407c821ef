using KkboxNcf.Hosting;
using KkboxNcf.Scorer;

// ./kkbox scorer [--bootstrap HOST:PORT] [--k N] [--candidates C] [--http URL] [--exclude-heard] ... (ScorerHost.Switches)
return await ServiceRunner.BuildAndRunAsync("scorer", () => ScorerHost.Build(args));
