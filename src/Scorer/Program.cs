using KkboxNcf.Hosting;
using KkboxNcf.Scorer;
using Microsoft.AspNetCore.Builder;

// ./kkbox scorer [--bootstrap HOST:PORT] [--k N] [--candidates C] [--http URL] [--exclude-heard] ... (ScorerHost.Switches)
WebApplication app;
try
{
    app = ScorerHost.Build(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"scorer: {e.Message}");
    return 2;
}
return await app.RunServiceAsync("scorer");
