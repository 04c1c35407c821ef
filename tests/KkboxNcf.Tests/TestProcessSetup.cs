using System.Runtime.CompilerServices;
using KkboxNcf.Model.Runtime;

namespace KkboxNcf.Tests;

static class TestProcessSetup
{
    // The test process trains and scores with libtorch like the services do: same OpenMP wait policy,
    // set before the first test can load libtorch.
#pragma warning disable CA2255 // a test assembly is the entry point of its process here, not a library others load
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void PreferPassiveOpenMp() => OpenMpWaitPolicy.PreferPassive();
}
