namespace MlxSupervisor.SimServer.Options;

/// <summary>Either the parsed options or a one-line error for the user.</summary>
internal sealed record SimParseResult(SimOptions? Options, string? Error)
{
    public static SimParseResult Success(SimOptions options) => new(options, null);

    public static SimParseResult Failure(string error) => new(null, error);
}
