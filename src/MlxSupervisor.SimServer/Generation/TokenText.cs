namespace MlxSupervisor.SimServer.Generation;

/// <summary>
/// The generated text: "tok1 tok2 tok3 …". Numbered so a test can check that no token was lost,
/// duplicated or reordered on its way through a proxy.
/// </summary>
internal static class TokenText
{
    public static string At(int index) => index == 0 ? "tok1" : $" tok{index + 1}";

    public static string Joined(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(At));
}
