using KkboxNcf.Model.Runtime;

namespace KkboxNcf.Tests.Model;

public class OpenMpWaitPolicyTests
{
    [Fact]
    public void ThePolicyReachesTheNativeEnvironmentThatLibgompReads()
    {
        string policy = OpenMpWaitPolicy.PreferPassive();
        Assert.False(string.IsNullOrEmpty(policy));
        // a user's own choice is kept; otherwise PASSIVE, visible to native getenv (not only to .NET)
        Assert.Equal(policy, OpenMpWaitPolicy.NativeValue());
        Assert.Equal(policy, Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable));
    }
}
