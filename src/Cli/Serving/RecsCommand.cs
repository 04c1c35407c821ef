using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Redis;

namespace KkboxNcf.Cli.Serving;

/// <summary>
/// `kkbox recs MSNO [--k 10] [--context usual|discover] [--key-prefix kkbox]`: a member's list as the
/// Scorer stored it in Redis (Redis:Configuration / Redis__Configuration), with its source (the model,
/// or popularity in its tab for a member the model does not know), model version and age. Exit 0: found; 1: unknown member (the popular fallback list is printed when there is
/// one); 3: Redis unavailable.
/// </summary>
public sealed class RecsCommand : ICommand
{
    public string[] Words => ["recs"];
    public string Usage => "recs MSNO [--k 10] [--context usual|discover] [--key-prefix kkbox]";

    public async Task<int> RunAsync(Args args, CancellationToken ct)
    {
        if (args.Positional.Count != 1) throw new UsageException("name one member (msno)");
        string msno = args.Positional[0];
        long k = args.Long("k", 10);
        string context = args.Get("context", ServingContexts.Usual);
        string prefix = args.Get("key-prefix", RedisKeys.DefaultPrefix);
        args.RejectUnknown();
        if (k is < 1 or > 1000) throw new UsageException($"--k must be 1..1000, got {k}");
        if (context is not (ServingContexts.Usual or ServingContexts.Discover))
            throw new UsageException($"--context must be {ServingContexts.Usual} or {ServingContexts.Discover}, got '{context}'");

        var settings = RedisSettings.FromEnvironment();
        using var redis = RedisConnection.Connect(settings);
        var outcome = await new RecommendationReader(redis, new RedisKeys(prefix)).ReadAsync(msno, context, (int)k);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        switch (outcome.Status)
        {
            case ReadStatus.Found:
                var list = outcome.List!;
                string by = list.Source == ListSources.Popular ? $"popular in tab '{list.Tab}' (cold start; model in use {list.ModelVersion})" : $"model {list.ModelVersion}";
                Console.WriteLine($"member {msno}, context {list.Context} ({list.Tab} | {list.Screen} | {list.Type}), source {by}" +
                                  $"{(outcome.CurrentModel is { } c && c != list.ModelVersion ? $" (current {c})" : "")}, computed {outcome.AgeSeconds(now):F1} s ago");
                Print(list);
                return 0;
            case ReadStatus.UnknownMember:
                Console.Error.WriteLine($"unknown member: {outcome.Problem}");
                if (outcome.Fallback is { } f)
                {
                    Console.WriteLine($"popular songs instead (model {f.ModelVersion}):");
                    Print(f);
                }
                return 1;
            default:
                Console.Error.WriteLine($"error: {outcome.Problem}");
                return 3;
        }
    }

    static void Print(RecommendationList list)
    {
        for (int i = 0; i < list.Items.Count; i++)
            Console.WriteLine($"{i + 1,4}  {list.Items[i].SongId}  {list.Items[i].Score:F4}");
    }
}
