namespace KkboxNcf.Model.Models;

/// <summary>What the CPU offers that changes how fast the models train.</summary>
public static class CpuFeatures
{
    /// <summary>
    /// True when the CPU multiplies bfloat16 matrices natively (AVX512_BF16: recent AMD EPYC and
    /// Intel Xeon): libtorch's bf16 matrix products then run ~4x faster than float32. Without it
    /// bf16 is emulated and slower, so mixed precision must stay off.
    /// </summary>
    public static bool HasAvx512Bf16 { get; } = Detect();

    static bool Detect()
    {
        try
        {
            return OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")
                && File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Split(' ').Contains("avx512_bf16"));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
