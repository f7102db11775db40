namespace MlxSupervisor.SimServer.Generation;

/// <summary>Which OpenAI endpoint is being served: they differ only in the JSON shapes.</summary>
internal enum CompletionKind
{
    /// <summary><c>/v1/chat/completions</c>: <c>chat.completion</c> and <c>chat.completion.chunk</c>.</summary>
    Chat,

    /// <summary><c>/v1/completions</c>: <c>text_completion</c>.</summary>
    Text,
}
