namespace MlxSupervisor.SimServer.Generation;

/// <summary>The fields every response object and every chunk of one completion repeat.</summary>
/// <param name="Created">Unix seconds.</param>
internal sealed record CompletionIdentity(CompletionKind Kind, string Id, long Created, string Model);
