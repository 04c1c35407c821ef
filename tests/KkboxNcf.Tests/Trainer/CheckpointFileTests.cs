using System.Security.Cryptography;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using KkboxNcf.Tests.Data;
using KkboxNcf.Tests.Model;

namespace KkboxNcf.Tests.Trainer;

public class CheckpointFileTests
{
    static (string Path, string Sha, float[] Predictions) WriteSmall(TempDir dir, out PlantedData.Result planted)
    {
        planted = ModelTestData.Planted(600);
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        using (var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100 })) fitter.TrainMicroBatch(planted.Data.Slice(0, 300));
        var bundle = new ModelBundle(planted.Space, model);
        var manifest = new CheckpointManifest(7, "kkbox.listens", new Dictionary<int, long> { [0] = 300 }, 300, 300, 0, "ncf",
            new Dictionary<string, double> { ["auc"] = 0.6, ["window_auc"] = double.NaN }, 1234);
        string path = dir.File("ckpt-000007.kkc");
        string sha = CheckpointFile.Write(path, [
            new CheckpointSection(CheckpointManifest.SectionName, manifest.Write),
            new CheckpointSection(CheckpointFile.BundleSection, bundle.Save),
        ]);
        return (path, sha, model.Predict(planted.Data));
    }

    [Fact]
    public void RoundTripGivesTheSameModelAndManifest()
    {
        using var dir = new TempDir();
        var (path, sha, predictions) = WriteSmall(dir, out var planted);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), sha);
        Assert.False(File.Exists(path + CheckpointFile.PartialSuffix));

        var bundle = CheckpointFile.ReadBundle(path, sha);
        Assert.Equal(predictions, bundle.Model.Predict(planted.Data));
        Assert.Equal(planted.Space.Cardinalities, bundle.Features.Cardinalities);
        bundle.Model.Dispose();

        var manifest = CheckpointFile.ReadManifest(path);
        Assert.Equal(7, manifest.ModelVersion);
        Assert.Equal(300, manifest.Offsets[0]);
        Assert.True(double.IsNaN(manifest.Metrics["window_auc"]));
    }

    [Fact]
    public void AFlippedByteAnywhereIsRefused()
    {
        using var dir = new TempDir();
        var (path, sha, _) = WriteSmall(dir, out _);
        byte[] original = File.ReadAllBytes(path);
        // the header, a section name, the middle of the weights, the trailer's hash, the end marker
        foreach (long at in new long[] { 3, 14, original.Length / 2, original.Length - 20, original.Length - 1 })
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            Assert.Throws<CheckpointCorruptException>(() => CheckpointFile.ReadBundle(path, null));
            Assert.Throws<CheckpointCorruptException>(() => CheckpointFile.ReadBundle(path, sha));
        }
    }

    [Fact]
    public void ATruncatedFileIsRefused()
    {
        using var dir = new TempDir();
        var (path, _, _) = WriteSmall(dir, out _);
        byte[] original = File.ReadAllBytes(path);
        foreach (int length in new[] { 0, 10, original.Length / 3, original.Length - 1 })
        {
            File.WriteAllBytes(path, original[..length]);
            var e = Assert.Throws<CheckpointCorruptException>(() => CheckpointFile.ReadBundle(path, null));
            Assert.Equal(path, e.Path);
        }
    }

    [Fact]
    public void AnIntactFileWithAnotherShaIsRefused()
    {
        using var dir = new TempDir();
        var (path, sha, _) = WriteSmall(dir, out _);
        string other = sha[..^1] + (sha[^1] == '0' ? '1' : '0');
        var e = Assert.Throws<CheckpointCorruptException>(() => CheckpointFile.ReadBundle(path, other));
        Assert.Contains("differs from the expected", e.Reason);
        Assert.NotNull(CheckpointFile.ReadBundle(path, sha.ToUpperInvariant()));
    }

    [Fact]
    public void AMissingSectionIsReportedByName()
    {
        using var dir = new TempDir();
        string path = dir.File("only-manifest.kkc");
        CheckpointFile.Write(path, [new CheckpointSection("manifest", s => s.Write("{}"u8))]);
        var e = Assert.Throws<CheckpointCorruptException>(() => CheckpointFile.ReadBundle(path, null));
        Assert.Contains("'bundle'", e.Reason);
    }

    [Fact]
    public void RestoredOptimizerStateContinuesTrainingExactly()
    {
        var planted = ModelTestData.Planted(1200);
        var config = new TrainingConfig { BatchSize = 100 };
        using var a = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 5);
        using var fa = new ModelFitter(a, config);
        fa.TrainMicroBatch(planted.Data.Slice(0, 600));

        // b: a copy of a's weights and optimizer state, through bytes
        var weights = new ModelBundle(planted.Space, a).ToBytes();
        using var optimizer = new MemoryStream();
        fa.SaveOptimizerState(optimizer);
        var restored = ModelBundle.FromBytes(weights);
        using var b = restored.Model;
        using var fb = new ModelFitter(b, config);
        optimizer.Position = 0;
        fb.LoadOptimizerState(optimizer);
        b.InitGeneratorState = a.InitGeneratorState;

        fa.TrainMicroBatch(planted.Data.Slice(600, 600));
        fb.TrainMicroBatch(planted.Data.Slice(600, 600));
        Assert.Equal(a.Predict(planted.Data), b.Predict(planted.Data));
        Assert.Equal(fa.ExamplesSeen, fb.ExamplesSeen);
    }
}
