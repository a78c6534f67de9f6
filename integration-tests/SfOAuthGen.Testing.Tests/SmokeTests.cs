namespace SfOAuthGen.Testing.Tests;

public class SmokeTests
{
    [Fact]
    public void Assembly_loads() => Assert.Equal("SfOAuthGen.Testing.Tests", typeof(SmokeTests).Assembly.GetName().Name);
}
