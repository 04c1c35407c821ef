using System.Buffers.Binary;
using System.IO.Compression;

namespace KkboxNcf.Tests.Report;

/// <summary>
/// A minimal PNG reader for the screenshots Chromium writes (8-bit RGB or RGBA, not interlaced):
/// enough to look at pixels without an imaging package.
/// </summary>
public sealed class PngImage
{
    readonly byte[] _pixels;
    readonly int _channels;

    PngImage(int width, int height, int channels, byte[] pixels) { Width = width; Height = height; _channels = channels; _pixels = pixels; }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * _channels;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    public static PngImage Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8 || file[1] != 'P' || file[2] != 'N' || file[3] != 'G') throw new InvalidDataException($"{path} is not a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at + 8 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                byte depth = data[8], colour = data[9], interlace = data[12];
                if (depth != 8 || interlace != 0 || colour is not (2 or 6)) throw new InvalidDataException($"{path}: PNG depth {depth}, colour type {colour}, interlace {interlace} not supported");
                channels = colour == 6 ? 4 : 3;
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        int stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        z.ReadExactly(raw);
        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var output = pixels.AsSpan(y * stride, stride);
            var previous = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? output[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                output[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: unknown PNG filter {filter}"),
                });
            }
        }
        return new PngImage(width, height, channels, pixels);
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
