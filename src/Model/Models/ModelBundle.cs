using System.Text.Json;
using KkboxNcf.Model.Features;
using TorchSharp;

namespace KkboxNcf.Model.Models;

/// <summary>
/// A model with the feature space (vocabularies and catalogs) it was trained with: what a
/// checkpoint holds. One stream: a magic string, the shape as JSON, the feature space, the weights.
/// </summary>
public sealed class ModelBundle(FeatureSpace features, RecModel model)
{
    const string Magic = "kkboxncf-model-v1";

    public FeatureSpace Features { get; } = features;

    public RecModel Model { get; } = model;

    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(JsonSerializer.Serialize(Model.CurrentShape()));
        w.Flush();
        Features.Write(stream);
        Model.save(w);
        w.Flush();
    }

    public void Save(string path)
    {
        string tmp = path + ".tmp";
        using (var f = File.Create(tmp)) Save(f);
        File.Move(tmp, path, overwrite: true);
    }

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        Save(ms);
        return ms.ToArray();
    }

    public static ModelBundle Load(Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (r.ReadString() != Magic) throw new InvalidDataException("not a KkboxNcf model bundle");
        var shape = JsonSerializer.Deserialize<ModelShape>(r.ReadString())
            ?? throw new InvalidDataException("model bundle without a shape");
        var features = FeatureSpace.Read(stream);
        var model = ModelFactory.Create(shape);
        model.load(r);
        model.eval();
        return new ModelBundle(features, model);
    }

    public static ModelBundle Load(string path)
    {
        using var f = File.OpenRead(path);
        return Load(f);
    }

    public static ModelBundle FromBytes(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        return Load(ms);
    }
}
