using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Training;

/// <summary>Float32 tensors as raw little-endian bytes after their shape (for optimizer state in checkpoints).</summary>
public static class TensorFile
{
    public static void Write(BinaryWriter w, Tensor t)
    {
        if (t.dtype != float32) throw new ArgumentException($"only float32 tensors, got {t.dtype}", nameof(t));
        w.Write(t.shape.Length);
        foreach (long d in t.shape) w.Write(d);
        using var c = t.contiguous();
        var values = c.data<float>().ToArray();
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>Reads a tensor written by Write into target, which must have the same shape.</summary>
    public static void ReadInto(BinaryReader r, Tensor target)
    {
        int rank = r.ReadInt32();
        if (rank != target.shape.Length) throw new InvalidDataException($"tensor of rank {rank}, expected {target.shape.Length}");
        var shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = r.ReadInt64();
        if (!shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"tensor of shape [{string.Join(",", shape)}], expected [{string.Join(",", target.shape)}]");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        int bytes = checked((int)(count * sizeof(float)));
        var read = r.ReadBytes(bytes);
        if (read.Length != bytes) throw new EndOfStreamException("tensor data cut short");
        read.AsSpan().CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        using var source = torch.tensor(values, shape);
        using var _ = torch.no_grad();
        target.copy_(source);
    }
}
