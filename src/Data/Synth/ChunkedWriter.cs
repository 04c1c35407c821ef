using System.Text;

namespace KkboxNcf.Data.Synth;

/// <summary>
/// Fills chunks of rows in parallel (each into its own buffers) and writes them to the files in
/// chunk order, a few chunks at a time, so output is identical whatever the thread count.
/// </summary>
public static class ChunkedWriter
{
    public delegate void FillChunk(long start, long end, CsvBuffer[] buffers);

    public static void Write(string[] paths, string[] headers, long rows, int chunkRows, CancellationToken ct, FillChunk fill)
    {
        int workers = Math.Max(1, Environment.ProcessorCount);
        var streams = paths.Select(p => new FileStream(p, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20)).ToArray();
        try
        {
            for (int f = 0; f < paths.Length; f++) streams[f].Write(Encoding.UTF8.GetBytes(headers[f] + "\n"));
            long chunks = (rows + chunkRows - 1) / chunkRows;
            var buffers = new CsvBuffer[workers * 2][];
            for (int i = 0; i < buffers.Length; i++) buffers[i] = paths.Select(_ => new CsvBuffer(1 << 20)).ToArray();
            for (long first = 0; first < chunks; first += buffers.Length)
            {
                ct.ThrowIfCancellationRequested();
                int count = (int)Math.Min(buffers.Length, chunks - first);
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, k =>
                {
                    long start = (first + k) * chunkRows;
                    foreach (var b in buffers[k]) b.Clear();
                    fill(start, Math.Min(rows, start + chunkRows), buffers[k]);
                });
                for (int k = 0; k < count; k++)
                    for (int f = 0; f < paths.Length; f++) streams[f].Write(buffers[k][f].Written);
            }
        }
        finally
        {
            foreach (var s in streams) s.Dispose();
        }
    }
}
