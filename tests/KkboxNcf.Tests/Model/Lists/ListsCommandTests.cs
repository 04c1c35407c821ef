using System.Text.Json;

namespace KkboxNcf.Tests.Model.Lists;

/// <summary>`kkbox bench lists` and the lists section of `kkbox offline`, end to end on tiny generated data.</summary>
public class ListsCommandTests
{
    [Fact]
    public void BenchListsJudgesTheServedModelBesideEveryBaselineAndOfflineAddsItsListsSection()
    {
        string dir = Path.Combine(Path.GetTempPath(), "kkbox-lists-" + Guid.NewGuid().ToString("N"));
        try
        {
            string data = Path.Combine(dir, "data");
            var synth = TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "data", "synth", "--size", "tiny", "--out", data]);
            Assert.True(synth.ExitCode == 0, synth.Output);

            string results = Path.Combine(dir, "bench");
            var bench = TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "bench", "lists", "--data", data, "--out", results], timeout: TimeSpan.FromMinutes(3));
            Assert.True(bench.ExitCode == 0, bench.Output);
            using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "lists.json"))))
            {
                var details = json.RootElement.GetProperty("details");
                var baselines = details.GetProperty("baselines").EnumerateArray().Select(b => b.GetProperty("name").GetString()!).ToList();
                Assert.Equal(5, baselines.Count);
                Assert.Contains("popular", baselines);
                Assert.Contains(baselines, b => b.StartsWith("item-item", StringComparison.Ordinal));
                var served = details.GetProperty("served");
                Assert.True(served.GetProperty("lists").GetInt32() > 0);
                Assert.InRange(served.GetProperty("hr_at_10").GetDouble(), 0, 1);
                Assert.Equal(json.RootElement.GetProperty("value").GetDouble(), Math.Round(served.GetProperty("hr_at_10").GetDouble(), 5));
                Assert.True(details.GetProperty("targets").TryGetProperty("all_met", out _));
            }

            string report = Path.Combine(dir, "offline");
            var offline = TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "offline", "--data", data, "--out", report, "--models", "ncf,mlp", "--epochs", "1"],
                timeout: TimeSpan.FromMinutes(3));
            Assert.True(offline.ExitCode == 0, offline.Output);
            string md = File.ReadAllText(Path.Combine(report, "report.md"));
            Assert.Contains("## Lists", md);
            Assert.Contains("| ncf (Scorer's ranking) |", md);
            Assert.Contains("| popular in the listen's tab |", md);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "metrics.json")));
            var lists = metrics.RootElement.GetProperty("lists");
            Assert.Equal(2, lists.GetProperty("models").GetArrayLength());
            Assert.Equal(5, lists.GetProperty("baselines").GetArrayLength());
            Assert.Equal(2, metrics.RootElement.GetProperty("models").GetArrayLength());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
