using System.Runtime.InteropServices;

namespace KkboxNcf.Model.Runtime;

/// <summary>
/// Makes libtorch's OpenMP threads sleep at a barrier instead of spinning (OMP_WAIT_POLICY=PASSIVE),
/// unless the user chose a policy. On this 2-core machine, spinning threads stall as soon as any other
/// thread wants a core: offline training at 2 torch threads measured 2,300-7,500 examples/s under load
/// 6-15 with the default policy, 24,000-49,000 with PASSIVE under load 20-28, and the streaming Trainer
/// (which has librdkafka's and the metadata reader's threads beside torch's) suffers the same.
/// libgomp reads the variable once, when libtorch is loaded, from the process's native environment,
/// which .NET's Environment.SetEnvironmentVariable does not change on Unix: hence setenv, called by
/// each program before its first torch call.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE when unset. Returns the policy in force afterwards.</summary>
    public static string PreferPassive()
    {
        string? chosen = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(chosen)) return chosen;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (SetEnv(Variable, "PASSIVE", 0) != 0)
                throw new InvalidOperationException($"setenv({Variable}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
        Environment.SetEnvironmentVariable(Variable, "PASSIVE");
        return "PASSIVE";
    }

    /// <summary>The value the native environment holds (what libgomp reads), or null.</summary>
    public static string? NativeValue() =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Marshal.PtrToStringUTF8(GetEnv(Variable)) : Environment.GetEnvironmentVariable(Variable);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);
}
