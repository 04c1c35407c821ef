using System.Text.Json;

namespace KkboxNcf.Tests.Model;

/// <summary>`kkbox offline` end to end on tiny generated data: every model, the report, the JSON and the charts.</summary>
public class OfflineCommandTests
{
    [Fact]
    public void WritesReportJsonAndChartsForEveryModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), "kkbox-offline-" + Guid.NewGuid().ToString("N"));
        try
        {
            string data = Path.Combine(dir, "data");
            string outDir = Path.Combine(dir, "report");
            var synth = TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "data", "synth", "--size", "tiny", "--out", data]);
            Assert.True(synth.ExitCode == 0, synth.Output);
            var run = TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "offline", "--data", data, "--out", outDir, "--epochs", "2", "--rows", "3000"],
                timeout: TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, run.Output);

            string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
            foreach (var model in new[] { "mf", "mlp", "ncf", "lgbm", "lr", "truth" }) Assert.Contains($"| {model} |", report);
            Assert.Contains("## Reading", report);

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
            var models = json.RootElement.GetProperty("models");
            Assert.Equal(5, models.GetArrayLength());
            var examples = json.RootElement.GetProperty("examples");
            Assert.Equal(3000, examples.GetProperty("train").GetInt32() + examples.GetProperty("valid").GetInt32() + examples.GetProperty("test").GetInt32());
            foreach (var m in models.EnumerateArray())
            {
                double auc = m.GetProperty("test").GetProperty("auc").GetDouble();
                Assert.InRange(auc, 0, 1);
                Assert.True(m.GetProperty("test").GetProperty("top_k").TryGetProperty("10", out _));
            }
            Assert.InRange(json.RootElement.GetProperty("best_reachable").GetProperty("test").GetProperty("auc").GetDouble(), 0.5, 1);

            var charts = Directory.GetFiles(Path.Combine(outDir, "charts"), "*.png");
            Assert.Equal(11, charts.Length);
            foreach (var png in charts)
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);

            // a typo in an option is an error, not silently ignored
            var typo = TestInfra.Run("dotnet", [TestInfra.Dll("Cli"), "offline", "--data", data, "--modles", "ncf"]);
            Assert.Equal(2, typo.ExitCode);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
