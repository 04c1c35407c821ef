using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace KkboxNcf.Data;

/// <summary>
/// Where rejected rows go: one JSON object per line (file, line, row, reason, raw text), so a row
/// with commas, quotes or newlines survives intact. The file is created on the first reject only.
/// Thread-safe: readers of several files may share one sink.
/// </summary>
public sealed class RejectSink : IDisposable
{
    /// <summary>Raw rows longer than this are cut in the rejects file (and marked "raw_truncated").</summary>
    public const int MaxRawBytes = 64 * 1024;

    readonly object _gate = new();
    Utf8JsonWriter? _json;
    Stream? _stream;
    long _written;

    public RejectSink(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    public long Written { get { lock (_gate) return _written; } }

    public void Write(string file, long line, long row, string reason, ReadOnlySpan<byte> raw, bool rawIsPartial = false)
    {
        bool truncated = rawIsPartial || raw.Length > MaxRawBytes;
        if (truncated) raw = raw[..MaxRawBytes];
        bool valid = Utf8.IsValid(raw);
        lock (_gate)
        {
            if (_json is null)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                _stream = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
                _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            }
            _json.WriteStartObject();
            _json.WriteString("file", file);
            _json.WriteNumber("line", line);
            _json.WriteNumber("row", row);
            _json.WriteString("reason", reason);
            // Invalid UTF-8 cannot go into a JSON string unchanged: keep the exact bytes as base64.
            if (valid) _json.WriteString("raw", Encoding.UTF8.GetString(raw));
            else _json.WriteBase64String("raw_base64", raw);
            if (truncated) _json.WriteBoolean("raw_truncated", true);
            _json.WriteEndObject();
            _json.Flush();
            _stream!.WriteByte((byte)'\n');
            _json.Reset(); // one JSON document per line: the next object starts a new document
            _written++;
        }
    }

    public void Flush()
    {
        lock (_gate) { _json?.Flush(); _stream?.Flush(); }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _json?.Dispose();
            _stream?.Dispose();
            _json = null;
            _stream = null;
        }
    }
}
