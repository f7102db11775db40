namespace MlxSupervisor.Tests; public class Placeholder { [Xunit.Fact] public void Builds() { } }
